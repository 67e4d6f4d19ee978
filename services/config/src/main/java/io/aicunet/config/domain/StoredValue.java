package io.aicunet.config.domain;

import java.util.Arrays;
import java.util.Objects;

/**
 * A value as it is kept: JSON text in the clear, or a secret sealed (encrypted) under
 * a key named by {@code keyId}. Only whoever holds that key can open it.
 */
public sealed interface StoredValue {

    boolean secret();

    record Plain(String json) implements StoredValue {
        public Plain {
            Objects.requireNonNull(json, "json");
        }

        @Override
        public boolean secret() {
            return false;
        }
    }

    /** A secret: {@code sealed} is nonce and AES-GCM ciphertext with tag, bound to the entry. */
    record Sealed(String keyId, byte[] sealed) implements StoredValue {
        public Sealed {
            Objects.requireNonNull(keyId, "keyId");
            sealed = sealed.clone();
        }

        @Override
        public byte[] sealed() {
            return sealed.clone();
        }

        @Override
        public boolean secret() {
            return true;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Sealed that && keyId.equals(that.keyId) && Arrays.equals(sealed, that.sealed);
        }

        @Override
        public int hashCode() {
            return 31 * keyId.hashCode() + Arrays.hashCode(sealed);
        }

        @Override
        public String toString() {
            return "Sealed[" + keyId + ", " + sealed.length + " bytes]";
        }
    }
}
