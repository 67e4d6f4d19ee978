package io.aicunet.platform.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.UUID;

/**
 * Deduplicates consumed events by id. A consumer calls {@link #firstDelivery} in the
 * transaction that applies the event: if it returns false the event was applied
 * before, and the consumer skips it.
 */
public final class Inbox {

    private Inbox() {
    }

    /** True the first time {@code consumer} sees {@code eventId}, false on every redelivery. */
    public static Uni<Boolean> firstDelivery(SqlConnection connection, String consumer, UUID eventId) {
        return connection.preparedQuery(
                        "INSERT INTO inbox_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, eventId))
                .map(rows -> rows.rowCount() == 1);
    }
}
