package io.aicunet.ledger.domain;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A transfer's personal metadata (docs/ledger.md, Privacy) in one of the forms it takes
 * on its way: as the caller gave it or as it was decrypted ({@link Plain}, empty when
 * there is none), as it is stored ({@link Sealed}: a ciphertext of the tenant's data
 * key), or {@link Unreadable} when the key it needs was destroyed. It never leaves the
 * service in plaintext except to readers of the transfer and in privacy exports.
 */
public sealed interface PersonalMetadata {

    /** No personal metadata. */
    Plain NONE = new Plain(Map.of());

    /** The entries in plaintext; what callers see. */
    Map<String, String> entries();

    record Plain(Map<String, String> entries) implements PersonalMetadata {
        public Plain {
            entries = Collections.unmodifiableMap(new TreeMap<>(entries));
        }

        public boolean isEmpty() {
            return entries.isEmpty();
        }

        @Override
        public String toString() {
            // Never print personal data, e.g. in a log line of a transfer.
            return "Plain[" + entries.size() + " entries]";
        }
    }

    /** As stored: {@code aes1:<key id>:<base64>}, see platform/privacy's FieldCipher. */
    record Sealed(String ciphertext) implements PersonalMetadata {
        public Sealed {
            Objects.requireNonNull(ciphertext, "ciphertext");
        }

        @Override
        public Map<String, String> entries() {
            throw new IllegalStateException("sealed personal metadata must be opened before it is read");
        }
    }

    /** Stored, but its key no longer exists: it reads as none. */
    record Unreadable() implements PersonalMetadata {
        @Override
        public Map<String, String> entries() {
            return Map.of();
        }
    }

    /** Whether there is personal metadata to encrypt. */
    default boolean needsSealing() {
        return this instanceof Plain plain && !plain.isEmpty();
    }
}
