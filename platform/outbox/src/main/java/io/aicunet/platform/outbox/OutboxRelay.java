package io.aicunet.platform.outbox;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Moves committed outbox events to Kafka.
 *
 * <p>Events are spread over {@value #BUCKETS} buckets by key. One pass visits every
 * bucket that holds events; for each it takes the bucket's session-level advisory lock
 * without waiting, on a connection of its own. Whoever holds the lock reads a bounded
 * batch in id order, publishes it, waits (at most {@code sendTimeout}) for every
 * acknowledgement, deletes exactly those rows and releases the lock. So any number of
 * replicas may run relays: one bucket is relayed by one of them at a time, and a key's
 * events (always in one bucket) leave in the order they became visible, which is commit
 * order.
 *
 * <p>No database transaction is open while Kafka is awaited: the read and the delete are
 * single statements, each its own short transaction, and the lock is a session lock, not
 * a row lock, so a slow or absent Kafka holds no snapshot, no row and no vacuum horizon,
 * only the relay's one idle connection. (The relay therefore needs a connection to the
 * database itself or through a session-mode pooler; a transaction-mode pooler would
 * hand the lock to whichever client ran next.) A relay that dies mid-batch leaves the
 * rows in place and its lock goes with its connection; the next pass publishes them
 * again (at least once) and consumers drop the repeats by event id ({@link Inbox}).
 */
public final class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** Fixed forever: changing it would move a key to another bucket while events of it wait. */
    public static final int BUCKETS = 16;

    /** How long a batch's acknowledgements are awaited when the caller names no bound. */
    public static final Duration SEND_TIMEOUT_DEFAULT = Duration.ofSeconds(45);

    /** First half of the advisory lock key; the bucket is the second. */
    private static final int LOCK_CLASS = 0x6F627831;

    /** Most waiting events the backlog gauge counts: a count past it costs more than it tells. */
    public static final int BACKLOG_COUNT_MAX = 100_000;

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
    private final Duration sendTimeout;

    public OutboxRelay(Pool pool, EventPublisher publisher, int batchSize) {
        this(pool, publisher, batchSize, SEND_TIMEOUT_DEFAULT);
    }

    /**
     * @param sendTimeout the longest one batch's publication is awaited; past it the batch
     *                    counts as failed (and is published again by a later pass)
     */
    public OutboxRelay(Pool pool, EventPublisher publisher, int batchSize, Duration sendTimeout) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("sendTimeout must be positive, was " + sendTimeout);
        }
        this.pool = pool;
        this.publisher = publisher;
        this.batchSize = batchSize;
        this.sendTimeout = sendTimeout;
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
        return pool.getConnection().flatMap(connection -> connection
                .preparedQuery("SELECT pg_try_advisory_lock($1, $2) AS locked")
                .execute(Tuple.of(LOCK_CLASS, bucket))
                .flatMap(rows -> rows.iterator().next().getBoolean("locked")
                        ? relayLocked(connection, bucket).onTermination().call(() -> unlock(connection, bucket))
                        : Uni.createFrom().item(0))
                .onTermination().call(connection::close));
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
                            .ifNoItem().after(sendTimeout).failWith(() -> new TimeoutException(
                                    "Kafka did not acknowledge " + events.size() + " events of bucket " + bucket
                                            + " within " + sendTimeout.toMillis() + " ms"))
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

    /**
     * Releases the bucket's lock. A failure here means a broken connection, whose session
     * (and lock) the server ends anyway: it is logged, not raised over the pass's outcome.
     */
    private static Uni<Void> unlock(SqlConnection connection, int bucket) {
        return connection.preparedQuery("SELECT pg_advisory_unlock($1, $2) AS unlocked")
                .execute(Tuple.of(LOCK_CLASS, bucket))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("outbox relay could not release the lock of bucket %d: %s", bucket, failure);
                    return Uni.createFrom().voidItem();
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
        return backlog().map(Backlog::lagSeconds);
    }

    /**
     * What waits in the outbox: the number of events (counted up to
     * {@link #BACKLOG_COUNT_MAX}) and the age of the oldest, by two bounded index reads.
     */
    public Uni<Backlog> backlog() {
        return pool.preparedQuery("""
                        SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox_events LIMIT $1) waiting) AS events,
                               coalesce((SELECT extract(epoch FROM clock_timestamp() - created_at)
                                           FROM outbox_events ORDER BY id LIMIT 1), 0)::float8 AS lag""")
                .execute(Tuple.of(BACKLOG_COUNT_MAX))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Backlog(row.getLong("events"), row.getDouble("lag"));
                });
    }

    /**
     * What waits in the outbox.
     *
     * @param events     events waiting (at most {@link #BACKLOG_COUNT_MAX}: a floor beyond it)
     * @param lagSeconds seconds since the oldest waiting event was written; 0 when none waits
     */
    public record Backlog(long events, double lagSeconds) {
    }
}
