package io.aicunet.platform.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Deduplicates consumed events by id. A consumer calls {@link #firstDelivery} in the
 * transaction that applies the event: if it returns false the event was applied
 * before, and the consumer skips it. A consumer taking events in batches calls
 * {@link #firstDeliveries} once per batch instead.
 */
public final class Inbox {

    /** The most event ids one {@link #firstDeliveries} call takes: a bound on one statement's array. */
    public static final int BATCH_EVENTS_MAX = 10_000;

    private Inbox() {
    }

    /** True the first time {@code consumer} sees {@code eventId}, false on every redelivery. */
    public static Uni<Boolean> firstDelivery(SqlConnection connection, String consumer, UUID eventId) {
        return connection.preparedQuery(
                        "INSERT INTO inbox_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, eventId))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * The ids among {@code eventIds} that {@code consumer} sees for the first time, recorded
     * in one statement; redeliveries (and repeats within the batch) are left out. Order is
     * not kept: the caller walks its batch and applies the events whose id is in the answer,
     * each once.
     */
    public static Uni<Set<UUID>> firstDeliveries(SqlConnection connection, String consumer, List<UUID> eventIds) {
        if (eventIds.size() > BATCH_EVENTS_MAX) {
            throw new IllegalArgumentException(eventIds.size() + " event ids in one inbox call, at most "
                    + BATCH_EVENTS_MAX);
        }
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return connection.preparedQuery("""
                        INSERT INTO inbox_events (consumer, event_id) SELECT $1, unnest($2::uuid[])
                        ON CONFLICT DO NOTHING RETURNING event_id""")
                .execute(Tuple.tuple().addString(consumer).addArrayOfUUID(eventIds.toArray(new UUID[0])))
                .map(rows -> {
                    Set<UUID> fresh = new LinkedHashSet<>(rows.size());
                    rows.forEach(row -> fresh.add(row.getUUID("event_id")));
                    return fresh;
                });
    }
}
