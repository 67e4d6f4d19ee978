package io.aicunet.config.application;

import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.EntryKey;
import java.time.Instant;
import java.util.Optional;

/** What the use cases hand to the edges: values already opened or masked for the caller. */
public final class ConfigViews {

    private ConfigViews() {
    }

    /** A value as the caller may see it: JSON text, or masked (json empty) when it is a secret the caller may not read. */
    public record ValueView(String json, boolean secret, boolean masked) {

        public static ValueView plain(String json) {
            return new ValueView(json, false, false);
        }

        public static ValueView revealed(String json) {
            return new ValueView(json, true, false);
        }

        public static ValueView maskedSecret() {
            return new ValueView("", true, true);
        }
    }

    public record EntryView(EntryKey key, ValueView value, long revision, int schemaVersion, String updatedBy,
                            Instant updatedAt) {

        static EntryView of(Entry entry, ValueView value) {
            return new EntryView(entry.key(), value, entry.revision(), entry.schemaVersion(), entry.updatedBy(),
                    entry.updatedAt());
        }
    }

    /** A revision; {@code value} is empty for a delete. */
    public record RevisionView(ConfigRevision revision, Optional<ValueView> value) {
    }
}
