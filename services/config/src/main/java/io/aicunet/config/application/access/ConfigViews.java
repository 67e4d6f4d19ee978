package io.aicunet.config.application.access;

import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.EntryKey;
import java.time.Instant;
import java.util.Optional;

/** What the use cases hand to the edges: values already opened or masked for the caller. */
public final class ConfigViews {

    private ConfigViews() {
    }

    /**
     * A value as the caller may see it: JSON text, or masked (json empty) when it is a
     * secret the caller may not read, or one nobody can read any more; then
     * {@code unavailable} says why (e.g. TENANT_KEY_DESTROYED), else it is empty.
     */
    public record ValueView(String json, boolean secret, boolean masked, String unavailable) {

        public static ValueView plain(String json) {
            return new ValueView(json, false, false, "");
        }

        public static ValueView revealed(String json) {
            return new ValueView(json, true, false, "");
        }

        public static ValueView maskedSecret() {
            return new ValueView("", true, true, "");
        }

        /** A secret that cannot be opened for anyone, for the reason given. */
        public static ValueView unavailableSecret(String reason) {
            return new ValueView("", true, true, reason);
        }
    }

    public record EntryView(EntryKey key, ValueView value, long revision, int schemaVersion, String updatedBy,
                            Instant updatedAt) {

        public static EntryView of(Entry entry, ValueView value) {
            return new EntryView(entry.key(), value, entry.revision(), entry.schemaVersion(), entry.updatedBy(),
                    entry.updatedAt());
        }
    }

    /** A revision; {@code value} is empty for a delete. */
    public record RevisionView(ConfigRevision revision, Optional<ValueView> value) {
    }
}
