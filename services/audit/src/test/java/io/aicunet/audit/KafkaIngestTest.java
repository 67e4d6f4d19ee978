package io.aicunet.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.audit.application.ingest.IngestEvents;
import io.aicunet.contracts.agentstate.v1.AgentRegistered;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.contracts.tenant.v1.TenantUpdated;
import io.aicunet.platform.auditlog.Sha256;
import io.aicunet.platform.outbox.DeadLetters;
import io.aicunet.platform.outbox.KafkaEventPublisher;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.PoisonEvents;
import io.aicunet.platform.testing.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Ingest of the fleet's events from real Kafka topics: once per event id, offsets committed after the log. */
@QuarkusTest
public class KafkaIngestTest {

    @TestHTTPResource(tls = true)
    URL service;

    public static OutboxEvent event(String topic, String type, String source, TenantId tenant, byte[] payload) {
        return new OutboxEvent(UUID.randomUUID(), FleetTestResource.topicPrefix() + topic, type, source, tenant,
                tenant.toString(), Instant.now(), payload);
    }

    public static Tenant tenant(TenantId id, int auditDays, long version) {
        return Tenant.newBuilder().setId(id.toString()).setSlug("acme-" + id.toString().substring(0, 8))
                .setVersion(version)
                .addRetention(RetentionPeriod.newBuilder().setDataClass("personal").setDays(365))
                .addRetention(RetentionPeriod.newBuilder().setDataClass("audit").setDays(auditDays)).build();
    }

    public static void publish(List<OutboxEvent> events) {
        try (KafkaEventPublisher publisher = KafkaEventPublisher.connect(FleetStack.kafkaAdminSettings(), Map.of())) {
            publisher.publish(events).await().atMost(Duration.ofSeconds(30));
        }
    }

    public static Integer retentionDays(TenantId tenant) throws Exception {
        try (Connection superuser = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement query = superuser.prepareStatement(
                        "SELECT retention_days FROM audit.audit_tenant_policies WHERE tenant_id = ?")) {
            query.setObject(1, tenant.value());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    /**
     * Proves: events of the tenant and ledger topics land in their tenants' logs, each
     * once although one is published twice, and tenant events set the audit retention
     * period, a newer tenant version winning over an older one delivered later. The
     * tenant is unknown to the tenant service (no data key): its events are still logged,
     * ingest does not stop, but a payload is kept only as its SHA-256, never unsealed.
     */
    @Test
    void eventsAreLoggedOncePerId() throws Exception {
        TenantId tenant = TenantId.random();
        OutboxEvent created = event("tenant.tenants.v1", "aicunet.tenant.v1.TenantCreated", "/aicunet/tenant", tenant,
                TenantCreated.newBuilder().setTenant(tenant(tenant, 400, 1)).build().toByteArray());
        OutboxEvent updated = event("tenant.tenants.v1", "aicunet.tenant.v1.TenantUpdated", "/aicunet/tenant", tenant,
                TenantUpdated.newBuilder().setTenant(tenant(tenant, 30, 3)).build().toByteArray());
        OutboxEvent stale = event("tenant.tenants.v1", "aicunet.tenant.v1.TenantUpdated", "/aicunet/tenant", tenant,
                TenantUpdated.newBuilder().setTenant(tenant(tenant, 999, 2)).build().toByteArray());
        OutboxEvent transfer = event("ledger.transfers.v1", "aicunet.ledger.v1.TransferPosted", "/aicunet/ledger",
                tenant, "a transfer".getBytes(StandardCharsets.UTF_8));
        publish(List.of(created, updated, transfer));
        publish(List.of(transfer, stale));

        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            QueryRecordsRequest query = QueryRecordsRequest.newBuilder().setTenantId(tenant.toString()).build();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(client.asAuditor().queryRecords(query).getRecordsCount()).isEqualTo(4));
            var records = client.asAuditor().queryRecords(query).getRecordsList();
            assertThat(records).extracting(r -> r.getRecordId())
                    .containsExactlyInAnyOrder(created.eventId().toString(), updated.eventId().toString(),
                            transfer.eventId().toString(), stale.eventId().toString());
            var logged = records.stream().filter(r -> r.getRecordId().equals(transfer.eventId().toString()))
                    .findFirst().orElseThrow();
            assertThat(logged.getAction()).isEqualTo("aicunet.ledger.v1.TransferPosted");
            assertThat(logged.getActor()).isEqualTo("/aicunet/ledger");
            assertThat(logged.getOrigin()).isEqualTo(FleetTestResource.topicPrefix() + "ledger.transfers.v1");
            assertThat(logged.getDetails().toByteArray())
                    .isEqualTo(Sha256.of("a transfer".getBytes(StandardCharsets.UTF_8)));
            assertThat(logged.getReason()).isEqualTo(IngestEvents.UNSEALABLE_REASON);
        }
        assertThat(retentionDays(tenant)).isEqualTo(30);
    }

    /**
     * Proves: a record that is not a fleet CloudEvent is not logged as a fact but goes to
     * the ingest's dead-letter topic, with the reason in its headers.
     */
    @Test
    void malformedRecordsAreDeadLettered() {
        String topic = FleetTestResource.topicPrefix() + "config.entries.v1";
        byte[] marker = ("not-a-cloudevent-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        try (TopicReader deadLetters = new TopicReader(DeadLetters.topicOf(topic,
                FleetTestResource.topicPrefix() + IngestEvents.CONSUMER))) {
            PoisonEvents.send(new ProducerRecord<>(topic, "key", marker));
            ConsumerRecord<String, byte[]> letter = PoisonEvents.awaitDeadLetterWithValue(deadLetters, marker);
            assertThat(PoisonEvents.header(letter, DeadLetters.REASON)).contains("MISSING_ATTRIBUTE");
            assertThat(PoisonEvents.header(letter, DeadLetters.DETAIL).orElseThrow()).contains("ce_id");
        }
    }

    /** Proves: once events are in the log, the consumer group's committed offsets reach the end of the topic. */
    @Test
    void offsetsAreCommittedAfterTheLog() {
        TenantId tenant = TenantId.random();
        String topic = FleetTestResource.topicPrefix() + "agent-state.agents.v1";
        publish(List.of(event("agent-state.agents.v1", "aicunet.agentstate.v1.AgentRegistered", "/aicunet/agent-state",
                tenant, AgentRegistered.getDefaultInstance().toByteArray())));
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort());
                Admin admin = Admin.create(FleetStack.kafkaAdminSettings())) {
            QueryRecordsRequest query = QueryRecordsRequest.newBuilder().setTenantId(tenant.toString()).build();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(client.asAuditor().queryRecords(query).getRecordsCount()).isEqualTo(1));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                        FleetTestResource.topicPrefix() + "audit-ingest").partitionsToOffsetAndMetadata().get();
                List<TopicPartition> partitions = committed.keySet().stream().filter(p -> p.topic().equals(topic))
                        .toList();
                assertThat(partitions).isNotEmpty();
                for (TopicPartition partition : partitions) {
                    long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                            .get().offset();
                    assertThat(committed.get(partition).offset()).as("committed offset of %s", partition).isEqualTo(end);
                }
            });
        }
    }
}
