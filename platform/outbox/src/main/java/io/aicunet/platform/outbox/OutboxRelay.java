package io.aicunet.platform.outbox;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Moves committed outbox events to Kafka.
 *
 * <p>Events are spread over {@value #BUCKETS} buckets by key. One pass visits every
 * bucket that holds events; for each it opens a transaction and takes that bucket's transaction-scoped
 * advisory lock without waiting. Whoever holds the lock reads a bounded batch in id
 * order, publishes it, waits for every acknowledgement, deletes exactly those rows
 * and commits. So any number of replicas may run relays: one bucket is relayed by
 * one of them at a time, and a key's events (always in one bucket) leave in the order
 * they became visible, which is commit order. A relay that dies mid-batch leaves the
 * rows in place; the next pass publishes them again (at least once) and consumers
 * drop the repeats by event id ({@link Inbox}).
 */
public final class OutboxRelay {

    /** Fixed forever: changing it would move a key to another bucket while events of it wait. */
    public static final int BUCKETS = 16;

    /** First half of the advisory lock key; the bucket is the second. */
    private static final int LOCK_CLASS = 0x6F627831;

    /**
     * The buckets holding events, by a loose index scan: at most one index probe per
     * bucket however long the backlog, where DISTINCT would read every row's entry.
     */
    private static final String NON_EMPTY_BUCKETS = """
            WITH RECURSIVE buckets AS (
                (SELECT bucket FROM outbox_events ORDER BY bucket LIMIT 1)
                UNION ALL
                SELECT (SELECT o.bucket FROM outbox_events o WHERE o.bucket > b.bucket ORDER BY o.bucket LIMIT 1)
                  FROM buckets b
                 WHERE b.bucket IS NOT NULL)
            SELECT bucket FROM buckets WHERE bucket IS NOT NULL""";

    private final Pool pool;
    private final EventPublisher publisher;
    private final int batchSize;

    public OutboxRelay(Pool pool, EventPublisher publisher, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        this.pool = pool;
        this.publisher = publisher;
        this.batchSize = batchSize;
    }

    /** The bucket of a key: stable across JVMs and releases. */
    public static int bucketOf(String key) {
        return Math.floorMod(key.hashCode(), BUCKETS);
    }

    /**
     * One pass over the buckets that hold events; the number of events published. An
     * idle outbox costs one indexed query per pass.
     */
    public Uni<Integer> relayOnce() {
        return pool.query(NON_EMPTY_BUCKETS).execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> relayBucket(row.getInteger("bucket")))
                .collect().with(Collectors.summingInt(Integer::intValue));
    }

    /** Relays one batch of one bucket, unless another relay holds it; the number published. */
    public Uni<Integer> relayBucket(int bucket) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("SELECT pg_try_advisory_xact_lock($1, $2) AS locked")
                .execute(Tuple.of(LOCK_CLASS, bucket))
                .flatMap(rows -> rows.iterator().next().getBoolean("locked")
                        ? relayLocked(connection, bucket)
                        : Uni.createFrom().item(0)));
    }

    private Uni<Integer> relayLocked(SqlConnection connection, int bucket) {
        return connection.preparedQuery("""
                        SELECT id, event_id, topic, event_type, source, tenant_id, aggregate_id, occurred_at, payload
                          FROM outbox_events
                         WHERE bucket = $1
                         ORDER BY id
                         LIMIT $2""")
                .execute(Tuple.of(bucket, batchSize))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<Long> ids = new ArrayList<>(rows.size());
                    List<OutboxEvent> events = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        ids.add(row.getLong("id"));
                        events.add(toEvent(row));
                    }
                    return publisher.publish(events)
                            .flatMap(published -> connection
                                    .preparedQuery("DELETE FROM outbox_events WHERE id = ANY($1)")
                                    .execute(Tuple.of(ids.toArray(new Long[0]))))
                            .map(deleted -> {
                                if (deleted.rowCount() != ids.size()) {
                                    // Only the lock holder deletes: anything else is a bug.
                                    throw new IllegalStateException("relay deleted " + deleted.rowCount()
                                            + " of " + ids.size() + " published outbox rows in bucket " + bucket);
                                }
                                return ids.size();
                            });
                });
    }

    private static OutboxEvent toEvent(Row row) {
        return new OutboxEvent(
                row.getUUID("event_id"),
                row.getString("topic"),
                row.getString("event_type"),
                row.getString("source"),
                new TenantId(row.getUUID("tenant_id")),
                row.getString("aggregate_id"),
                row.getOffsetDateTime("occurred_at").toInstant(),
                row.getBuffer("payload").getBytes());
    }

    /** Seconds since the oldest event still waiting was written; 0 when none waits. */
    public Uni<Double> lagSeconds() {
        return pool.query("""
                        SELECT coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8 AS lag
                          FROM outbox_events""")
                .execute()
                .map(rows -> rows.iterator().next().getDouble("lag"));
    }
}
