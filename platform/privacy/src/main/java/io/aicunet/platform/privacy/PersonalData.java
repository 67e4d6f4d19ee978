package io.aicunet.platform.privacy;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One service's declaration, in one place, of every column it stores and whether it can
 * hold personal data. A test (platform/testing's DataClassificationCheck) compares it
 * with the live schema, so a new column without a classification fails the build.
 *
 * @param personal    per table, the columns that can hold personal data (encrypted with
 *                    the tenant's key, or removed on erasure)
 * @param notPersonal per table, every other column
 */
public record PersonalData(Map<String, Set<String>> personal, Map<String, Set<String>> notPersonal) {

    public PersonalData {
        personal = Map.copyOf(Objects.requireNonNull(personal, "personal"));
        notPersonal = Map.copyOf(Objects.requireNonNull(notPersonal, "notPersonal"));
        for (Map.Entry<String, Set<String>> table : personal.entrySet()) {
            Set<String> overlap = new HashSet<>(table.getValue());
            overlap.retainAll(notPersonal.getOrDefault(table.getKey(), Set.of()));
            if (!overlap.isEmpty()) {
                throw new IllegalArgumentException(table.getKey() + " declares " + overlap + " both personal and not");
            }
        }
    }

    /** The platform's tables every service with an outbox has (db/changelog/platform/outbox.yaml). */
    public static final Map<String, Set<String>> OUTBOX_AND_INBOX_NOT_PERSONAL = Map.of(
            "outbox_events", Set.of("id", "event_id", "topic", "event_key", "bucket", "event_type", "source",
                    "tenant_id", "aggregate_id", "occurred_at", "created_at"),
            "inbox_events", Set.of("consumer", "event_id", "received_at"));

    /**
     * A service's declaration plus the outbox and inbox tables. An outbox row's payload is
     * an event on its way to Kafka (deleted once published, within a second or so); it
     * counts as personal because events may carry what the service stores.
     */
    public static PersonalData withOutboxAndInbox(Map<String, Set<String>> personal,
                                                  Map<String, Set<String>> notPersonal) {
        Map<String, Set<String>> allPersonal = new java.util.HashMap<>(personal);
        allPersonal.put("outbox_events", Set.of("payload"));
        Map<String, Set<String>> allNotPersonal = new java.util.HashMap<>(notPersonal);
        allNotPersonal.putAll(OUTBOX_AND_INBOX_NOT_PERSONAL);
        return new PersonalData(allPersonal, allNotPersonal);
    }

    /** Whether the column is declared at all, either way. */
    public boolean classifies(String table, String column) {
        return personal.getOrDefault(table, Set.of()).contains(column)
                || notPersonal.getOrDefault(table, Set.of()).contains(column);
    }
}
