package io.aicunet.audit.adapter.kafka;

import static io.aicunet.platform.testing.PoisonEvents.WITH_NUL;
import static io.aicunet.platform.testing.PoisonEvents.cloudEvent;
import static io.aicunet.platform.testing.PoisonEvents.header;
import static io.aicunet.platform.testing.PoisonEvents.idOf;
import static io.aicunet.platform.testing.PoisonEvents.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.audit.AuditGrpcClient;
import io.aicunet.audit.KafkaIngestTest;
import io.aicunet.audit.application.ingest.IngestEvents;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.ledger.v1.Transfer;
import io.aicunet.contracts.ledger.v1.TransferCreated;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.platform.outbox.DeadLetters;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.PoisonEvents;
import io.aicunet.platform.testing.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * No record can stop the audit ingest: a bad one on any topic lands in
 * {@code <topic>.dlq.<prefix>audit-ingest} with its reason and is not logged as a fact;
 * the good event behind it on the same partition is logged; readiness stays UP.
 */
@QuarkusTest
class FleetEventPoisonTest {

    @TestHTTPResource(tls = true)
    URL service;

    private final TenantId tenant = TenantId.random();

    /**
     * Proves (issue 13, second incident): a well-formed TenantCreated with a NUL byte in
     * {@code ce_subject}, which once stopped audit ingestion for every tenant, is
     * dead-lettered as CONTROL_CHARACTER and the next event is logged.
     */
    @Test
    void nulByteInSubjectIsDeadLettered() {
        assertDeadLetteredAndNextLogged(withHeader(tenantCreated(), "ce_subject", "tenants/" + WITH_NUL),
                "CONTROL_CHARACTER");
    }

    /** Proves: a NUL byte in a text field of the payload is dead-lettered too. */
    @Test
    void nulByteInPayloadIsDeadLettered() {
        assertDeadLetteredAndNextLogged(transfer(TransferCreated.newBuilder().setTransfer(Transfer.newBuilder()
                .setTenantId(tenant.toString()).setCode("usage" + WITH_NUL)).build().toByteArray()), "CONTROL_CHARACTER");
    }

    /** Proves: a record above the consumers' size limit is dead-lettered as OVERSIZED. */
    @Test
    void oversizedEventIsDeadLettered() {
        assertDeadLetteredAndNextLogged(PoisonEvents.oversized(transfer(new byte[0]), 600 * 1024), "OVERSIZED");
    }

    /** Proves: a TransferCreated whose payload is no protobuf message is dead-lettered as UNDECODABLE. */
    @Test
    void undecodablePayloadIsDeadLettered() {
        assertDeadLetteredAndNextLogged(transfer(PoisonEvents.UNDECODABLE), "UNDECODABLE");
    }

    /**
     * Proves: the forgery of issue 13, a TransferCreated on the ledger's topic from another
     * source, is dead-lettered as FORGED_SOURCE and never becomes a fact in the log; a
     * tenant type on the ledger's topic from the ledger is FOREIGN_TYPE.
     */
    @Test
    void forgedSourceAndForeignTypeAreDeadLettered() {
        assertDeadLetteredAndNextLogged(withHeader(transfer(new byte[0]), "ce_source", "/aicunet/tenant"),
                "FORGED_SOURCE");
        assertDeadLetteredAndNextLogged(withHeader(transfer(new byte[0]), "ce_type",
                TenantCreated.getDescriptor().getFullName()), "FOREIGN_TYPE");
    }

    private void assertDeadLetteredAndNextLogged(ProducerRecord<String, byte[]> poison, String reason) {
        try (TopicReader deadLetters = new TopicReader(DeadLetters.topicOf(poison.topic(),
                FleetTestResource.topicPrefix() + IngestEvents.CONSUMER));
                AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            QueryRecordsRequest query = QueryRecordsRequest.newBuilder().setTenantId(tenant.toString())
                    .setPageSize(500).build();
            int before = client.asAuditor().queryRecords(query).getRecordsCount();
            ProducerRecord<String, byte[]> next = transfer(TransferCreated.newBuilder()
                    .setTransfer(Transfer.newBuilder().setTenantId(tenant.toString()).setCode("usage")).build()
                    .toByteArray());
            PoisonEvents.send(poison, next);
            ConsumerRecord<String, byte[]> letter = PoisonEvents.awaitDeadLetter(deadLetters, idOf(poison));
            assertThat(header(letter, DeadLetters.REASON)).contains(reason);
            assertThat(header(letter, DeadLetters.TOPIC)).contains(poison.topic());
            assertThat(header(letter, DeadLetters.OFFSET)).isPresent();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    client.asAuditor().queryRecords(query).getRecordsList())
                    .anyMatch(r -> r.getRecordId().equals(idOf(next))));
            assertThat(client.asAuditor().queryRecords(query).getRecordsList())
                    .noneMatch(r -> r.getRecordId().equals(idOf(poison)));
            assertThat(client.asAuditor().queryRecords(query).getRecordsCount()).isEqualTo(before + 1);
            PoisonEvents.assertReady(service);
        }
    }

    private ProducerRecord<String, byte[]> tenantCreated() {
        return cloudEvent(FleetTestResource.topicPrefix() + "tenant.tenants.v1",
                TenantCreated.getDescriptor().getFullName(), "/aicunet/tenant", tenant.value(),
                TenantCreated.newBuilder().setTenant(KafkaIngestTest.tenant(tenant, 400, 1)).build().toByteArray());
    }

    private ProducerRecord<String, byte[]> transfer(byte[] payload) {
        return cloudEvent(FleetTestResource.topicPrefix() + "ledger.transfers.v1",
                TransferCreated.getDescriptor().getFullName(), "/aicunet/ledger", tenant.value(), payload);
    }
}
