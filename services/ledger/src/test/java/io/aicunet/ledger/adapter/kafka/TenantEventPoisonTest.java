package io.aicunet.ledger.adapter.kafka;

import static io.aicunet.platform.testing.PoisonEvents.WITH_NUL;
import static io.aicunet.platform.testing.PoisonEvents.cloudEvent;
import static io.aicunet.platform.testing.PoisonEvents.header;
import static io.aicunet.platform.testing.PoisonEvents.idOf;
import static io.aicunet.platform.testing.PoisonEvents.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.contracts.tenant.v1.TenantSuspended;
import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.platform.outbox.DeadLetters;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.PoisonEvents;
import io.aicunet.platform.testing.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No record on {@code tenant.tenants.v1} can stop the ledger's tenant-events consumer:
 * each bad one lands in {@code tenant.tenants.v1.dlq.ledger.tenant-events} with its
 * reason, the good event behind it on the same partition is applied, readiness stays UP.
 */
@QuarkusTest
class TenantEventPoisonTest extends LedgerTestBase {

    private static final String GROUP = "ledger.tenant-events";

    private TopicReader deadLetters;

    @BeforeEach
    void readDeadLetters() {
        deadLetters = new TopicReader(DeadLetters.topicOf(topic(), GROUP));
    }

    @AfterEach
    void closeReader() {
        deadLetters.close();
    }

    /**
     * Proves (issue 13, first incident): a TenantSuspended whose reason holds a NUL byte,
     * which once fail-stopped this consumer (readiness DOWN for good, later tenants got no
     * accounts), is dead-lettered as CONTROL_CHARACTER, and a tenant created after it
     * gets its accounts.
     */
    @Test
    void nulByteInSuspensionReasonIsDeadLettered() {
        ProducerRecord<String, byte[]> suspended = tenantEvent(TenantSuspended.getDescriptor().getFullName(),
                TenantSuspended.newBuilder().setTenant(tenantMessage()).setReason(WITH_NUL).build().toByteArray());
        assertDeadLetteredAndNextApplied(suspended, "CONTROL_CHARACTER");
    }

    /** Proves (issue 13, second incident): a NUL byte in ce_subject is dead-lettered, the next event applied. */
    @Test
    void nulByteInSubjectIsDeadLettered() {
        assertDeadLetteredAndNextApplied(withHeader(created(), "ce_subject", "tenants/" + WITH_NUL),
                "CONTROL_CHARACTER");
    }

    /** Proves: a record above the consumers' size limit is dead-lettered as OVERSIZED. */
    @Test
    void oversizedEventIsDeadLettered() {
        assertDeadLetteredAndNextApplied(PoisonEvents.oversized(created(), 600 * 1024), "OVERSIZED");
    }

    /** Proves: a TenantSuspended whose payload is no protobuf message is dead-lettered as UNDECODABLE. */
    @Test
    void undecodablePayloadIsDeadLettered() {
        ProducerRecord<String, byte[]> suspended = tenantEvent(TenantSuspended.getDescriptor().getFullName(),
                PoisonEvents.UNDECODABLE);
        assertDeadLetteredAndNextApplied(suspended, "UNDECODABLE");
    }

    /**
     * Proves: a TenantSuspended on the tenant topic from another source than the tenant
     * service (the forgery of issue 13) is dead-lettered as FORGED_SOURCE and suspends nothing.
     */
    @Test
    void forgedSourceIsDeadLettered() throws Exception {
        ProducerRecord<String, byte[]> forged = withHeader(tenantEvent(TenantSuspended.getDescriptor().getFullName(),
                TenantSuspended.newBuilder().setTenant(tenantMessage()).setReason("forged").build().toByteArray()),
                "ce_source", "/aicunet/ledger");
        assertDeadLetteredAndNextApplied(forged, "FORGED_SOURCE");
        assertThat(count("SELECT count(*) FROM ledger.tenants WHERE tenant_id = ?::uuid"
                + " AND status = 'suspended'", tenant)).isZero();
    }

    /** Proves: a record without the CloudEvents attributes is dead-lettered as MISSING_ATTRIBUTE. */
    @Test
    void recordThatIsNoCloudEventIsDeadLettered() {
        byte[] marker = ("not-a-cloudevent-" + UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        PoisonEvents.send(new ProducerRecord<>(topic(), tenant, marker));
        ConsumerRecord<String, byte[]> letter = PoisonEvents.awaitDeadLetterWithValue(deadLetters, marker);
        assertThat(header(letter, DeadLetters.REASON)).contains("MISSING_ATTRIBUTE");
        assertNextEventApplied();
    }

    private void assertDeadLetteredAndNextApplied(ProducerRecord<String, byte[]> poison, String reason) {
        PoisonEvents.send(poison);
        ConsumerRecord<String, byte[]> letter = PoisonEvents.awaitDeadLetter(deadLetters, idOf(poison));
        assertThat(header(letter, DeadLetters.REASON)).contains(reason);
        assertThat(header(letter, DeadLetters.TOPIC)).contains(topic());
        assertThat(header(letter, DeadLetters.GROUP)).contains(GROUP);
        assertThat(header(letter, DeadLetters.OFFSET)).isPresent();
        assertThat(header(letter, DeadLetters.EXCEPTION)).isPresent();
        assertThat(letter.value()).isEqualTo(poison.value());
        assertNextEventApplied();
    }

    /** A TenantCreated behind the poison, on the same partition (same key), opens the tenant's accounts. */
    private void assertNextEventApplied() {
        PoisonEvents.send(created());
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid", tenant) == DEFAULT_ACCOUNTS);
        PoisonEvents.assertReady(service);
    }

    private ProducerRecord<String, byte[]> created() {
        return tenantEvent(TenantCreated.getDescriptor().getFullName(),
                TenantCreated.newBuilder().setTenant(tenantMessage()).build().toByteArray());
    }

    private ProducerRecord<String, byte[]> tenantEvent(String type, byte[] payload) {
        return cloudEvent(topic(), type, "/aicunet/tenant", UUID.fromString(tenant), payload);
    }

    private Tenant tenantMessage() {
        return Tenant.newBuilder().setId(tenant).setSlug("t-" + tenant.substring(0, 8)).build();
    }

    private static String topic() {
        return FleetTestResource.topicPrefix() + "tenant.tenants.v1";
    }
}
