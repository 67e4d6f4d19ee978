package io.aicunet.platform.privacy;

import io.aicunet.platform.tenancy.TenantId;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tenant's data key: AES-256 material and the id ciphertexts name it by. Held in
 * memory only, for a bounded time ({@link TenantDataKeys}).
 */
public final class DataKey {

    public static final int LENGTH_BYTES = 32;

    private final TenantId tenant;
    private final String keyId;
    private final byte[] material;

    public DataKey(TenantId tenant, String keyId, byte[] material) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        if (material.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("a data key is " + LENGTH_BYTES + " bytes, was " + material.length);
        }
        if (keyId.isEmpty() || keyId.contains(":")) {
            throw new IllegalArgumentException("a key id is non-empty and has no ':', was '" + keyId + "'");
        }
        this.material = material.clone();
    }

    public TenantId tenant() {
        return tenant;
    }

    public String keyId() {
        return keyId;
    }

    byte[] material() {
        return material.clone();
    }

    @Override
    public String toString() {
        // Never print key material.
        return "DataKey[" + tenant + ", " + keyId + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataKey key && key.tenant.equals(tenant) && key.keyId.equals(keyId)
                && Arrays.equals(key.material, material);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, keyId);
    }
}
