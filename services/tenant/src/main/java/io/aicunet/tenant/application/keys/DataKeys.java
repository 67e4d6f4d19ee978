package io.aicunet.tenant.application.keys;

import io.aicunet.platform.privacy.AesGcm;
import io.aicunet.platform.privacy.KeySettings;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.application.port.WrappedDataKeys;
import io.aicunet.tenant.application.port.WrappedDataKeys.WrappedDataKey;
import io.aicunet.tenant.config.TenantKeySettings;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final WrappedDataKeys keys;

    public DataKeys(TenantKeySettings config, WrappedDataKeys keys) {
        this.keys = keys;
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
        return keys.insert(connection, tenant, new WrappedDataKey(keyId, Optional.of(wrapped), activeMasterKeyId))
                .replaceWith(keyId);
    }

    /** The named key, or the newest one when {@code keyId} is empty. */
    public Uni<Lookup> find(SqlConnection connection, TenantId tenant, String keyId) {
        return keys.find(connection, tenant, keyId)
                .map(found -> found.isEmpty() ? new Lookup.Missing() : unwrap(tenant, found.get()));
    }

    /** Destroys every key of the tenant; the ids destroyed now. */
    public Uni<List<String>> destroyAll(SqlConnection connection, TenantId tenant) {
        return keys.destroyAll(connection, tenant);
    }

    private Lookup unwrap(TenantId tenant, WrappedDataKey key) {
        if (key.wrapped().isEmpty()) {
            return new Lookup.Destroyed(key.keyId());
        }
        byte[] master = masterKeys.get(key.masterKeyId());
        if (master == null) {
            throw new IllegalStateException("tenant " + tenant + " key " + key.keyId() + " is wrapped by master key "
                    + key.masterKeyId() + ", which is not configured");
        }
        byte[] material = AesGcm.open(master, associatedData(tenant, key.keyId()), key.wrapped().get())
                .orElseThrow(() -> new IllegalStateException("tenant " + tenant + " key " + key.keyId()
                        + " does not unwrap: altered, or wrapped for another tenant"));
        return new Lookup.Found(key.keyId(), material);
    }

    private static byte[] associatedData(TenantId tenant, String keyId) {
        return (tenant + "/" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
