package io.aicunet.config.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The current value of one entry.
 *
 * @param revision      the revision that last changed it
 * @param schemaVersion the namespace's schema version the value was validated against, 0 for none
 */
public record Entry(EntryKey key, StoredValue value, long revision, int schemaVersion, String updatedBy,
                    Instant updatedAt) {

    public Entry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(updatedBy, "updatedBy");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (revision < 1 || schemaVersion < 0) {
            throw new IllegalArgumentException("entry " + key + " at revision " + revision
                    + ", schema version " + schemaVersion);
        }
    }
}
