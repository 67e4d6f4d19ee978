package io.aicunet.config.adapter.crypto;

import io.aicunet.config.application.port.SecretCipher;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.StoredValue;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.privacy.FieldCipher;
import io.aicunet.platform.privacy.TenantDataKeys;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Seals a tenant's secrets with the tenant's data key ({@link FieldCipher}, the key
 * fetched from the tenant service through {@link TenantDataKeys}) and platform-level
 * secrets with the service key ({@link AesGcmSecretCipher}). Destroying a tenant's key
 * (its erasure) makes its secrets unreadable wherever a copy of them lives: database,
 * backups, the Redis cache.
 *
 * <p>A tenant-sealed value is stored as the FieldCipher text ({@code aes1:<key id>:...})
 * in {@code sealed_value} with {@code sealing_key_id} {@value #TENANT_KEY_PREFIX}{@code <key id>}.
 * FieldCipher binds the ciphertext to the tenant; the plaintext starts with the entry's
 * identity, checked on opening, so a value copied to another entry of the same tenant
 * does not open either. Values of tenant scopes sealed with the service key (written
 * before tenants had keys) still open with it.
 */
@ApplicationScoped
public class TenantDataKeySecretCipher implements SecretCipher {

    /** Prefix of the sealing key id of values sealed with a tenant's data key. */
    public static final String TENANT_KEY_PREFIX = "tenant/";

    /** Tenant keys fetched at once for one read. */
    private static final int FETCHES_CONCURRENT_MAX = 4;

    private record KeyRef(TenantId tenant, String keyId) {
    }

    private final AesGcmSecretCipher serviceKey;
    private final TenantDataKeys dataKeys;

    public TenantDataKeySecretCipher(AesGcmSecretCipher serviceKey, TenantDataKeys dataKeys) {
        if (serviceKey.keyId().startsWith(TENANT_KEY_PREFIX)) {
            throw new IllegalStateException("config.secrets.key-id must not start with " + TENANT_KEY_PREFIX);
        }
        this.serviceKey = serviceKey;
        this.dataKeys = dataKeys;
    }

    @Override
    public Uni<Optional<StoredValue.Sealed>> seal(EntryKey key, String json) {
        Optional<TenantId> tenant = key.scope().tenant();
        if (tenant.isEmpty()) {
            return Uni.createFrom().item(Optional.of(serviceKey.seal(key, json)));
        }
        return dataKeys.current(tenant.get()).map(found -> found.map(dataKey -> {
            String ciphertext = FieldCipher.encrypt(dataKey, bound(key, json));
            return new StoredValue.Sealed(TENANT_KEY_PREFIX + dataKey.keyId(),
                    ciphertext.getBytes(StandardCharsets.UTF_8));
        }));
    }

    @Override
    public Uni<SecretKeys> keysFor(Collection<SealedSecret> secrets) {
        Map<KeyRef, String> needed = new LinkedHashMap<>();
        for (SealedSecret secret : secrets) {
            if (sealedWithTenantKey(secret.sealed())) {
                needed.putIfAbsent(new KeyRef(tenantOf(secret.key()), dataKeyId(secret.key(), secret.sealed())),
                        ciphertext(secret.sealed()));
            }
        }
        if (needed.isEmpty()) {
            return Uni.createFrom().item(new Keys(Map.of()));
        }
        return Multi.createFrom().iterable(needed.entrySet())
                .onItem().transformToUni(wanted -> dataKeys.forCiphertext(wanted.getKey().tenant(), wanted.getValue())
                        .map(found -> Map.entry(wanted.getKey(), found)))
                .merge(FETCHES_CONCURRENT_MAX)
                .collect().asList()
                .map(fetched -> {
                    Map<KeyRef, Optional<DataKey>> keys = new HashMap<>();
                    fetched.forEach(entry -> keys.put(entry.getKey(), entry.getValue()));
                    return new Keys(keys);
                });
    }

    /** The fetched tenant keys (empty where destroyed), and the service key. */
    private final class Keys implements SecretKeys {

        private final Map<KeyRef, Optional<DataKey>> keys;

        Keys(Map<KeyRef, Optional<DataKey>> keys) {
            this.keys = keys;
        }

        @Override
        public Opened open(EntryKey key, StoredValue.Sealed sealed) {
            if (!sealedWithTenantKey(sealed)) {
                return new Opened.Clear(serviceKey.open(key, sealed));
            }
            KeyRef ref = new KeyRef(tenantOf(key), dataKeyId(key, sealed));
            Optional<DataKey> dataKey = keys.get(ref);
            if (dataKey == null) {
                throw new IllegalStateException("the key " + ref + " of the secret of " + key + " was not fetched");
            }
            if (dataKey.isEmpty()) {
                return new Opened.Unavailable(Opened.Unavailable.TENANT_KEY_DESTROYED);
            }
            String plaintext = FieldCipher.decrypt(dataKey.get(), ciphertext(sealed)).orElseThrow(
                    () -> new IllegalStateException("secret of " + key + " does not open: tampered or wrong tenant"));
            String prefix = AesGcmSecretCipher.boundTo(key) + "\n";
            if (!plaintext.startsWith(prefix)) {
                throw new IllegalStateException("secret of " + key + " was sealed for another entry");
            }
            return new Opened.Clear(plaintext.substring(prefix.length()));
        }
    }

    private static String bound(EntryKey key, String json) {
        return AesGcmSecretCipher.boundTo(key) + "\n" + json;
    }

    private static boolean sealedWithTenantKey(StoredValue.Sealed sealed) {
        return sealed.keyId().startsWith(TENANT_KEY_PREFIX);
    }

    private static TenantId tenantOf(EntryKey key) {
        return key.scope().tenant().orElseThrow(() -> new IllegalStateException(
                "secret of platform-level " + key + " claims to be sealed with a tenant's key"));
    }

    private static String ciphertext(StoredValue.Sealed sealed) {
        return new String(sealed.sealed(), StandardCharsets.UTF_8);
    }

    /** The data key id, as the sealing key id names it and the ciphertext confirms. */
    private static String dataKeyId(EntryKey key, StoredValue.Sealed sealed) {
        String named = sealed.keyId().substring(TENANT_KEY_PREFIX.length());
        if (!FieldCipher.keyIdOf(ciphertext(sealed)).map(named::equals).orElse(false)) {
            throw new IllegalStateException("secret of " + key + " names key " + sealed.keyId()
                    + " but its ciphertext does not");
        }
        return named;
    }
}
