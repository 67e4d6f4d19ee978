package io.aicunet.tenant.application.keys;

import io.aicunet.platform.privacy.AesGcm;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.privacy.KeySettings;
import io.aicunet.tenant.config.TenantKeySettings;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tenants' data keys under envelope encryption: each is random AES-256 material,
 * stored only wrapped (AES-GCM) by a master key from configuration, bound to its tenant
 * and key id. Master keys rotate by id: a new active id wraps new keys, old ids still
 * unwrap old ones. Destroying a tenant's keys drops the wrapped material for good.
 */
@ApplicationScoped
public class DataKeys {

    /** What a key lookup found. */
    public sealed interface Lookup {
        /** The key, unwrapped. */
        record Found(String keyId, byte[] material) implements Lookup {
        }

        /** The key existed and was destroyed. */
        record Destroyed(String keyId) implements Lookup {
        }

        /** The tenant has no such key. */
        record Missing() implements Lookup {
        }
    }

    private final String activeMasterKeyId;
    private final Map<String, byte[]> masterKeys = new HashMap<>();

    public DataKeys(TenantKeySettings config) {
        config.masterKeys().forEach((id, base64) -> {
            byte[] key = Base64.getDecoder().decode(base64);
            if (key.length != AesGcm.KEY_BYTES) {
                throw new IllegalStateException("master key " + id + " must be " + AesGcm.KEY_BYTES + " bytes");
            }
            masterKeys.put(id, key);
        });
        activeMasterKeyId = config.masterKeyId();
        if (!masterKeys.containsKey(activeMasterKeyId)) {
            throw new IllegalStateException("the active master key " + activeMasterKeyId + " is not configured");
        }
    }

    /**
     * The settings that hold the master keys, for platform/privacy's ProductionKeyCheck: the
     * active id, that key, and every master key still configured by id. Static, so declaring
     * them does not decode (and judge) the keys first.
     */
    @Produces
    @Singleton
    static KeySettings keySettings(TenantKeySettings config) {
        return KeySettings.none()
                .setting("tenant.master-key-id")
                .setting("tenant.master-keys." + config.masterKeyId())
                .keyed("tenant.master-keys", config.masterKeys().keySet());
    }

    /** Creates the tenant's first data key in the current transaction. */
    public Uni<String> create(SqlConnection connection, TenantId tenant) {
        String keyId = "dk-1";
        byte[] wrapped = AesGcm.seal(masterKeys.get(activeMasterKeyId), associatedData(tenant, keyId), AesGcm.newKey());
        return connection.preparedQuery("""
                        INSERT INTO tenant_data_keys (tenant_id, key_id, wrapped_key, master_key_id)
                        VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING""")
                .execute(Tuple.tuple().addUUID(tenant.value()).addString(keyId).addBuffer(Buffer.buffer(wrapped))
                        .addString(activeMasterKeyId))
                .replaceWith(keyId);
    }

    /** The named key, or the newest one when {@code keyId} is empty. */
    public Uni<Lookup> find(SqlConnection connection, TenantId tenant, String keyId) {
        return connection.preparedQuery("""
                        SELECT key_id, wrapped_key, master_key_id FROM tenant_data_keys
                         WHERE tenant_id = $1 AND ($2 = '' OR key_id = $2)
                         ORDER BY created_at DESC LIMIT 1""")
                .execute(Tuple.of(tenant.value(), keyId))
                .map(rows -> rows.size() == 0 ? new Lookup.Missing() : unwrap(tenant, rows.iterator().next()));
    }

    /** Destroys every key of the tenant; the ids destroyed now. */
    public Uni<List<String>> destroyAll(SqlConnection connection, TenantId tenant) {
        return connection.preparedQuery("""
                        UPDATE tenant_data_keys SET wrapped_key = NULL, destroyed_at = clock_timestamp()
                         WHERE tenant_id = $1 AND destroyed_at IS NULL
                        RETURNING key_id""")
                .execute(Tuple.of(tenant.value()))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getString("key_id")));
                    return ids;
                });
    }

    private Lookup unwrap(TenantId tenant, Row row) {
        String keyId = row.getString("key_id");
        if (row.getBuffer("wrapped_key") == null) {
            return new Lookup.Destroyed(keyId);
        }
        byte[] master = masterKeys.get(row.getString("master_key_id"));
        if (master == null) {
            throw new IllegalStateException("tenant " + tenant + " key " + keyId + " is wrapped by master key "
                    + row.getString("master_key_id") + ", which is not configured");
        }
        byte[] material = AesGcm.open(master, associatedData(tenant, keyId), row.getBuffer("wrapped_key").getBytes())
                .orElseThrow(() -> new IllegalStateException("tenant " + tenant + " key " + keyId
                        + " does not unwrap: altered, or wrapped for another tenant"));
        return new Lookup.Found(keyId, material);
    }

    private static byte[] associatedData(TenantId tenant, String keyId) {
        return (tenant + "/" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
