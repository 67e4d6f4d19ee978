package io.aicunet.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.aicunet.platform.tenancy.TenantId;
import io.vertx.mutiny.sqlclient.Row;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batch forms of the inbox and the outbox against real PostgreSQL, migrated by the
 * changelog the services include: one statement per batch, the same rows as one call per event.
 */
class OutboxBatchTest {

    private static OutboxTestDatabase db;

    @BeforeAll
    static void start() throws Exception {
        db = new OutboxTestDatabase();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    /**
     * Proves: firstDeliveries answers the ids a consumer sees for the first time, once each,
     * leaving out ids it recorded before (one by one or in an earlier batch), repeats within
     * the batch, and nothing of another consumer's inbox; an empty batch costs no statement.
     */
    @Test
    void firstDeliveriesAnswersOnlyNewIdsOnce() {
        UUID seenAlone = UUID.randomUUID();
        UUID seenInBatch = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        UUID repeated = UUID.randomUUID();
        assertThat(delivery("batch-consumer", seenAlone))
                .isTrue();
        assertThat(deliveries("batch-consumer", List.of(seenInBatch))).containsExactly(seenInBatch);

        Set<UUID> first = deliveries("batch-consumer", List.of(seenAlone, fresh, seenInBatch, repeated, repeated));

        assertThat(first).containsExactlyInAnyOrder(fresh, repeated);
        assertThat(deliveries("other-consumer", List.of(seenAlone, fresh))).containsExactlyInAnyOrder(seenAlone, fresh);
        assertThat(delivery("batch-consumer", fresh))
                .isFalse();
        assertThat(deliveries("batch-consumer", List.of()))
                .isEmpty();
    }

    /** Proves: a batch over the bound is refused before any statement. */
    @Test
    void firstDeliveriesRefusesAnUnboundedBatch() {
        List<UUID> tooMany = Collections.nCopies(Inbox.BATCH_EVENTS_MAX + 1, UUID.randomUUID());
        assertThatThrownBy(() -> db.await(db.pool.withTransaction(c -> Inbox.firstDeliveries(c, "c", tooMany))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 10000");
    }

    /**
     * Proves: appendAll writes each event as the row append writes (every column, bucket of the
     * key included), in one transaction with the caller's change, and rolls back with it.
     */
    @Test
    void appendAllWritesTheRowsAppendWrites() {
        Outbox outbox = db.outbox();
        TenantId tenant = TenantId.random();
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(outbox.event("outbox.batch.v1", i == 2 ? TenantId.random() : tenant, "aggregate-" + i,
                    StringValue.of("batch event " + i)));
        }
        OutboxEvent single = outbox.event("outbox.batch.v1", tenant, "aggregate-single", StringValue.of("single"));

        List<OutboxEvent> appended = db.await(db.pool.withTransaction(c -> outbox.appendAll(c, events)));
        assertThat(appended).containsExactlyElementsOf(events);
        db.await(db.pool.withTransaction(c -> outbox.append(c, single)));

        Map<UUID, Row> rows = rows();
        for (OutboxEvent event : events) {
            Row row = rows.get(event.eventId());
            Row reference = rows.get(single.eventId());
            assertThat(row).as("row of " + event.eventId()).isNotNull();
            assertThat(row.getString("topic")).isEqualTo(event.topic());
            assertThat(row.getString("event_key")).isEqualTo(event.key());
            assertThat((int) row.getShort("bucket")).isEqualTo(OutboxRelay.bucketOf(event.key()));
            assertThat(row.getString("event_type")).isEqualTo(reference.getString("event_type"));
            assertThat(row.getString("source")).isEqualTo(reference.getString("source"));
            assertThat(row.getUUID("tenant_id")).isEqualTo(event.tenant().value());
            assertThat(row.getString("aggregate_id")).isEqualTo(event.aggregateId());
            assertThat(row.getOffsetDateTime("occurred_at").toInstant())
                    .isEqualTo(event.occurredAt().truncatedTo(ChronoUnit.MICROS)); // timestamptz keeps microseconds
            assertThat(row.getBuffer("payload").getBytes()).isEqualTo(event.payload());
        }

        OutboxEvent rolledBack = outbox.event("outbox.batch.v1", tenant, "aggregate-lost", StringValue.of("lost"));
        assertThatThrownBy(() -> db.await(db.pool.withTransaction(c -> outbox.appendAll(c, List.of(rolledBack))
                .invoke(() -> {
                    throw new IllegalStateException("the change the event announces failed");
                })))).hasMessageContaining("failed");
        assertThat(rows()).doesNotContainKey(rolledBack.eventId());
        List<OutboxEvent> none = db.await(db.pool.withTransaction(c -> outbox.appendAll(c, List.of())));
        assertThat(none).isEmpty();
    }

    /** Proves: the SQL fragment numbers its parameters from the one given, for a larger statement. */
    @Test
    void insertFromArraysNumbersItsParameters() {
        String sql = Outbox.insertFromArrays(34);
        assertThat(sql).startsWith("INSERT INTO outbox_events (event_id, topic,")
                .contains("unnest($34::uuid[], $35::text[]").endsWith("$43::bytea[]) AS e");
        assertThat(sql.split("\\$").length - 1).isEqualTo(Outbox.ARRAY_PARAMETERS);
    }

    private static boolean delivery(String consumer, UUID eventId) {
        return db.await(db.pool.withTransaction(c -> Inbox.firstDelivery(c, consumer, eventId)));
    }

    private static Set<UUID> deliveries(String consumer, List<UUID> eventIds) {
        return db.await(db.pool.withTransaction(c -> Inbox.firstDeliveries(c, consumer, eventIds)));
    }

    private static Map<UUID, Row> rows() {
        return db.await(db.pool.query("SELECT * FROM outbox_events").execute()
                .map(rows -> StreamSupport.stream(rows.spliterator(), false)
                        .collect(Collectors.toMap(row -> row.getUUID("event_id"), Function.identity()))));
    }
}
