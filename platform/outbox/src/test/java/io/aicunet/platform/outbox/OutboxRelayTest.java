package io.aicunet.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.TopicReader;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay against real PostgreSQL and Kafka: what it publishes, that a relay
 * dying mid-batch loses nothing, and that two relays at once keep every key's order.
 */
class OutboxRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static OutboxTestDatabase db;
    private static KafkaEventPublisher kafka;

    @BeforeAll
    static void start() throws Exception {
        db = new OutboxTestDatabase();
        kafka = KafkaEventPublisher.connect(FleetStack.kafkaAdminSettings(), Map.of());
    }

    @AfterAll
    static void stop() {
        kafka.close();
        db.close();
    }

    /** Proves: a relayed event is a binary-mode CloudEvent keyed by tenant with the protobuf payload. */
    @Test
    void publishesCloudEventsKeyedByTenant() throws Exception {
        String topic = "outbox.cloudevents.v1";
        TenantId tenant = TenantId.random();
        OutboxEvent event = db.appendEvents(List.of(tenant), 1, topic).get(0);

        int published = db.await(new OutboxRelay(db.pool, kafka, 100).relayOnce());

        assertThat(published).isEqualTo(1);
        assertThat(db.waiting()).isZero();
        try (TopicReader reader = new TopicReader(db.topicPrefix + topic)) {
            ConsumerRecord<String, byte[]> record = reader.readUntil(r -> !r.isEmpty(), WAIT).get(0);
            ReceivedEvent received = ReceivedEvent.from(record);
            assertThat(received.eventId()).isEqualTo(event.eventId());
            assertThat(received.type()).isEqualTo("google.protobuf.StringValue");
            assertThat(received.source()).isEqualTo("/aicunet/outbox-test");
            assertThat(received.tenant()).isEqualTo(tenant);
            assertThat(received.key()).isEqualTo(tenant.toString());
            assertThat(received.subject()).isEqualTo("aggregate-0");
            assertThat(new String(record.headers().lastHeader("ce_specversion").value())).isEqualTo("1.0");
            assertThat(new String(record.headers().lastHeader("content-type").value()))
                    .isEqualTo("application/protobuf");
            assertThat(new String(record.headers().lastHeader("ce_dataschema").value()))
                    .isEqualTo("proto:google.protobuf.StringValue");
            assertThat(StringValue.parseFrom(received.payload()).getValue()).startsWith("event 0 of ");
        }
    }

    /**
     * Proves: a relay that dies after publishing part of a batch (before deleting it)
     * leaves the whole batch in the outbox; a restarted relay publishes it again, no
     * event is lost, and a consumer with an inbox applies each event exactly once.
     */
    @Test
    void relayStoppedMidBatchLosesNothingAndInboxAbsorbsDuplicates() throws Exception {
        String topic = "outbox.restart.v1";
        List<OutboxEvent> events = db.appendEvents(List.of(TenantId.random(), TenantId.random()), 30, topic);

        // Publishes the first 7 events of each batch for real, then dies.
        AtomicInteger crashes = new AtomicInteger();
        EventPublisher dying = batch -> kafka.publish(batch.subList(0, Math.min(7, batch.size())))
                .flatMap(ignored -> {
                    crashes.incrementAndGet();
                    return Uni.createFrom().failure(new IllegalStateException("relay killed mid-batch"));
                });
        assertThatThrownBy(() -> db.await(new OutboxRelay(db.pool, dying, 100).relayOnce()))
                .hasMessageContaining("killed");
        assertThat(crashes.get()).isEqualTo(1);
        assertThat(db.waiting()).as("nothing is deleted by a relay that died").isEqualTo(events.size());

        int published = 0;
        for (int pass = 0; pass < 5 && db.waiting() > 0; pass++) {
            published += db.await(new OutboxRelay(db.pool, kafka, 100).relayOnce());
        }
        assertThat(published).isEqualTo(events.size());
        assertThat(db.waiting()).isZero();

        try (TopicReader reader = new TopicReader(db.topicPrefix + topic)) {
            List<ConsumerRecord<String, byte[]>> records =
                    reader.readUntil(r -> r.size() >= events.size() + 7, WAIT);
            assertThat(records).as("the 7 events published before the crash arrive twice").hasSize(events.size() + 7);

            int applied = 0;
            for (ConsumerRecord<String, byte[]> record : records) {
                UUID id = ReceivedEvent.from(record).eventId();
                boolean first = db.await(db.pool.withTransaction(c -> Inbox.firstDelivery(c, "restart-test", id)));
                applied += first ? 1 : 0;
            }
            assertThat(applied).as("each event applied once").isEqualTo(events.size());
            Set<UUID> received = new LinkedHashSet<>();
            records.forEach(r -> received.add(ReceivedEvent.from(r).eventId()));
            assertThat(received).containsExactlyInAnyOrderElementsOf(events.stream().map(OutboxEvent::eventId).toList());
        }
    }

    /**
     * Proves: while the relay waits for Kafka, no transaction of the database is open
     * (no session idle in a transaction, none holding a snapshot), and the bucket is still
     * its own: a second relay passing meanwhile publishes nothing of it.
     */
    @Test
    void noTransactionIsOpenWhileKafkaIsAwaited() {
        String topic = "outbox.notransaction.v1";
        TenantId tenant = TenantId.random();
        List<OutboxEvent> events = db.appendEvents(List.of(tenant), 5, topic);

        List<Long> openTransactions = new ArrayList<>();
        List<Integer> publishedMeanwhile = new ArrayList<>();
        EventPublisher observing = batch -> db.pool.query("""
                        SELECT count(*) AS open
                          FROM pg_stat_activity
                         WHERE datname = current_database()
                           AND pid <> pg_backend_pid()
                           AND (state LIKE 'idle in transaction%' OR backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)""")
                .execute()
                .invoke(rows -> openTransactions.add(rows.iterator().next().getLong("open")))
                .flatMap(ignored -> new OutboxRelay(db.pool, kafka, 100).relayOnce())
                .invoke(publishedMeanwhile::add)
                .flatMap(ignored -> kafka.publish(batch));

        int published = db.await(new OutboxRelay(db.pool, observing, 100).relayOnce());

        assertThat(openTransactions).as("transactions open while Kafka was awaited").containsExactly(0L);
        assertThat(publishedMeanwhile).as("events a second relay took from the held bucket").containsExactly(0);
        assertThat(published).isEqualTo(events.size());
        assertThat(db.waiting()).isZero();
    }

    /**
     * Proves: a send that never completes (Kafka unreachable and a client that would
     * wait for ever) fails the pass after the relay's send timeout, leaves every event in
     * the outbox and releases the bucket, so a later pass publishes them all.
     */
    @Test
    void aSendThatNeverCompletesTimesOutAndLosesNothing() throws Exception {
        String topic = "outbox.hanging.v1";
        List<OutboxEvent> events = db.appendEvents(List.of(TenantId.random()), 4, topic);

        EventPublisher hanging = batch -> Uni.createFrom().nothing();
        long started = System.nanoTime();
        assertThatThrownBy(() -> db.await(new OutboxRelay(db.pool, hanging, 100, Duration.ofMillis(500)).relayOnce()))
                .hasRootCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(db.waiting()).isEqualTo(events.size());

        assertThat(db.await(new OutboxRelay(db.pool, kafka, 100).relayOnce())).isEqualTo(events.size());
        try (TopicReader reader = new TopicReader(db.topicPrefix + topic)) {
            List<ConsumerRecord<String, byte[]>> records = reader.readUntil(r -> r.size() >= events.size(), WAIT);
            assertThat(records.stream().map(r -> ReceivedEvent.from(r).eventId()).toList())
                    .containsExactlyElementsOf(events.stream().map(OutboxEvent::eventId).toList());
        }
    }

    /**
     * Proves: two relays running at the same time (as two replicas would) publish every
     * event exactly once between them, none skipped, each tenant's events in commit order.
     */
    @Test
    void twoRelaysAtOncePublishEveryEventInCommitOrderPerKey() throws Exception {
        String topic = "outbox.replicas.v1";
        List<TenantId> tenants = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tenants.add(TenantId.random());
        }
        List<OutboxEvent> events = db.appendEvents(tenants, 25, topic);

        OutboxRelay first = new OutboxRelay(db.pool, kafka, 10);
        OutboxRelay second = new OutboxRelay(db.pool, kafka, 10);
        int published = 0;
        for (int pass = 0; pass < 50 && db.waiting() > 0; pass++) {
            List<Integer> counts = db.await(Uni.join().all(first.relayOnce(), second.relayOnce()).andFailFast());
            published += counts.get(0) + counts.get(1);
        }
        assertThat(db.waiting()).isZero();
        assertThat(published).as("no event published by both relays").isEqualTo(events.size());

        Map<String, List<UUID>> expected = new LinkedHashMap<>();
        events.forEach(e -> expected.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.eventId()));
        try (TopicReader reader = new TopicReader(db.topicPrefix + topic)) {
            List<ConsumerRecord<String, byte[]>> records = reader.readUntil(r -> r.size() >= events.size(), WAIT);
            Map<String, List<UUID>> actual = new LinkedHashMap<>();
            records.forEach(r -> actual.computeIfAbsent(r.key(), k -> new ArrayList<>())
                    .add(ReceivedEvent.from(r).eventId()));
            assertThat(actual).isEqualTo(expected);
        }
    }
}
