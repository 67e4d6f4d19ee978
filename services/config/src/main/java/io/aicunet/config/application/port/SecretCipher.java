package io.aicunet.config.application.port;

import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.StoredValue;
import io.smallrye.mutiny.Uni;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * Seals and opens secret values. A secret of a tenant-bearing scope (tenant,
 * tenant_service) is sealed with that tenant's data key, so destroying the key on the
 * tenant's erasure makes every copy of it unreadable (crypto-shredding); a
 * platform-level secret (global, service) is sealed with the service's own key. Either
 * way a sealed value is bound to its entry (namespace, key, scope): copied to another
 * entry it does not open.
 *
 * <p>Tenants' keys come from the tenant service, so both directions are asynchronous;
 * opening is split in two: {@link #keysFor} fetches what a set of values needs, then
 * {@link SecretKeys#open} opens each without waiting.
 */
public interface SecretCipher {

    /**
     * The value sealed for its entry; empty when the entry's tenant has no data key (the
     * tenant service does not know it, or it was erased): such a secret cannot be stored.
     * Fails only when the tenant service cannot be reached.
     */
    Uni<Optional<StoredValue.Sealed>> seal(EntryKey key, String json);

    /**
     * The keys these sealed values need, fetched (a bounded number at a time) from the
     * tenant service or its cache. A destroyed key is not a failure: its values open as
     * {@link Opened.Unavailable}. Fails only when the tenant service cannot be reached.
     */
    Uni<SecretKeys> keysFor(Collection<SealedSecret> secrets);

    /** A secret as stored, with the entry it belongs to. */
    record SealedSecret(EntryKey key, StoredValue.Sealed sealed) {
        public SealedSecret {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(sealed, "sealed");
        }

        /** The value as a secret to open, or empty when it is plain. */
        public static Optional<SealedSecret> of(EntryKey key, StoredValue value) {
            return value instanceof StoredValue.Sealed sealed
                    ? Optional.of(new SealedSecret(key, sealed))
                    : Optional.empty();
        }
    }

    /** Keys fetched for a set of sealed values. */
    interface SecretKeys {

        /**
         * The value in the clear, or why it cannot be; fails (a bug or tampering) when a
         * value was altered or its key was not asked for.
         */
        Opened open(EntryKey key, StoredValue.Sealed sealed);
    }

    /** What opening a secret gave. */
    sealed interface Opened {

        /** The JSON text. */
        record Clear(String json) implements Opened {
            public Clear {
                Objects.requireNonNull(json, "json");
            }
        }

        /**
         * The value cannot be opened any more, e.g. {@value #TENANT_KEY_DESTROYED}: the
         * tenant's data key is gone (the tenant was erased); the value is unreadable for good.
         */
        record Unavailable(String reason) implements Opened {

            public static final String TENANT_KEY_DESTROYED = "TENANT_KEY_DESTROYED";

            public Unavailable {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }
}
