package io.aicunet.config.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One immutable change of one entry, numbered in the fleet-wide revision sequence.
 *
 * @param value        what was written; empty for a delete
 * @param rolledBackTo for a rollback, the revision whose value it restored; 0 otherwise
 */
public record ConfigRevision(long revision, EntryKey key, ChangeOperation operation, Optional<StoredValue> value,
                             int schemaVersion, String author, String reason, Instant createdAt,
                             long rolledBackTo) {

    public ConfigRevision {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdAt, "createdAt");
        if (revision < 1) {
            throw new IllegalArgumentException("revision " + revision + " of " + key);
        }
        if ((operation == ChangeOperation.PUT) != value.isPresent()) {
            throw new IllegalArgumentException("a " + operation + " revision " + revision
                    + (value.isPresent() ? " has" : " has no") + " value");
        }
    }

    /** The entry as this revision left it; empty when the revision deleted it. */
    public Optional<Entry> entryAfter() {
        return value.map(v -> new Entry(key, v, revision, schemaVersion, author, createdAt));
    }
}
