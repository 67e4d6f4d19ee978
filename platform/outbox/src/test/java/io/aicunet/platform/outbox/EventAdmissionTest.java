package io.aicunet.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.platform.outbox.PoisonEvent.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** What every consumer admits, and why it refuses the rest; and what counts as poison. */
class EventAdmissionTest {

    private static final String TENANT = UUID.randomUUID().toString();

    /** Proves: the owner's event on its topic (with the run's prefix) is admitted, the shared privacy types too. */
    @Test
    void admitsTheOwnersEvents() {
        ReceivedEvent event = EventAdmission.admit(record("p.tenant.tenants.v1", "/aicunet/tenant",
                "aicunet.tenant.v1.TenantCreated", "tenants/1"), "p.", 1024);
        assertThat(event.tenant().toString()).isEqualTo(TENANT);
        EventAdmission.admit(record("agent-state.agents.v1", "/aicunet/agent-state",
                "aicunet.agentstate.v1.AgentRegistered", "a"), "", 1024);
        EventAdmission.admit(record("ledger.privacy.v1", "/aicunet/ledger",
                "aicunet.privacy.v1.PrivacyRequestFulfilled", "a"), "", 1024);
    }

    /** Proves: each kind of bad record is refused with its reason, and the reason's message holds no value. */
    @Test
    void refusesWithAReason() {
        assertThat(reason(record("tenant.tenants.v1", "/aicunet/ledger", "aicunet.tenant.v1.TenantCreated", "s")))
                .isEqualTo(Reason.FORGED_SOURCE);
        assertThat(reason(record("ledger.transfers.v1", "/aicunet/ledger", "aicunet.tenant.v1.TenantCreated", "s")))
                .isEqualTo(Reason.FOREIGN_TYPE);
        PoisonEvent nul = catchThrowableOfType(PoisonEvent.class, () -> EventAdmission.admit(record(
                "tenant.tenants.v1", "/aicunet/tenant", "aicunet.tenant.v1.TenantCreated", "secret\u0000"), "", 1024));
        assertThat(nul.reason()).isEqualTo(Reason.CONTROL_CHARACTER);
        assertThat(nul.getMessage()).contains("ce_subject").doesNotContain("secret");
        ConsumerRecord<String, byte[]> big = record("tenant.tenants.v1", "/aicunet/tenant",
                "aicunet.tenant.v1.TenantCreated", "s");
        assertThat(catchThrowableOfType(PoisonEvent.class, () -> EventAdmission.admit(big, "", 100)).reason())
                .isEqualTo(Reason.OVERSIZED);
        ConsumerRecord<String, byte[]> bare = new ConsumerRecord<>("tenant.tenants.v1", 0, 0, "k", new byte[0]);
        assertThat(catchThrowableOfType(PoisonEvent.class, () -> EventAdmission.admit(bare, "", 1024)).reason())
                .isEqualTo(Reason.MISSING_ATTRIBUTE);
    }

    /**
     * Proves: a type the registry (EventTopics) puts on another topic is FOREIGN_TYPE even
     * from the owner, and a type of the owner's package it does not list yet (a newer producer)
     * is admitted.
     */
    @Test
    void registeredTypesOnlyOnTheirTopic() {
        assertThat(reason(record("tenant.tenants.v1", "/aicunet/tenant", "aicunet.privacy.v1.PrivacyRequestCreated",
                "s"))).isEqualTo(Reason.FOREIGN_TYPE);
        assertThat(reason(record("tenant.privacy-requests.v1", "/aicunet/tenant", "aicunet.tenant.v1.TenantCreated",
                "s"))).isEqualTo(Reason.FOREIGN_TYPE);
        EventAdmission.admit(record("tenant.privacy-requests.v1", "/aicunet/tenant",
                "aicunet.privacy.v1.TenantDataKeyDestroyed", "s"), "", 1024);
        EventAdmission.admit(record("ledger.transfers.v1", "/aicunet/ledger", "aicunet.ledger.v1.TransferRenamed",
                "s"), "", 1024);
    }

    /**
     * Proves: a ce_dataschema naming the message of ce_type is admitted, one naming another
     * message or not of the proto: form is INVALID_ATTRIBUTE, and a record without one (published
     * before the attribute existed) is admitted.
     */
    @Test
    void dataSchemaNamesTheTypesMessage() {
        String type = "aicunet.tenant.v1.TenantCreated";
        EventAdmission.admit(withSchema(record("tenant.tenants.v1", "/aicunet/tenant", type, "s"),
                "proto:" + type), "", 1024);
        EventAdmission.admit(record("tenant.tenants.v1", "/aicunet/tenant", type, "s"), "", 1024);
        for (String wrong : new String[] {"proto:aicunet.tenant.v1.TenantUpdated", type, "proto:",
                "urn:aicunet:" + type}) {
            PoisonEvent refused = catchThrowableOfType(PoisonEvent.class, () -> EventAdmission.admit(
                    withSchema(record("tenant.tenants.v1", "/aicunet/tenant", type, "s"), wrong), "", 1024));
            assertThat(refused).as(wrong).isNotNull();
            assertThat(refused.reason()).as(wrong).isEqualTo(Reason.INVALID_ATTRIBUTE);
            assertThat(refused.getMessage()).contains("ce_dataschema");
        }
    }

    private static ConsumerRecord<String, byte[]> withSchema(ConsumerRecord<String, byte[]> record, String schema) {
        record.headers().add(CloudEventHeaders.DATA_SCHEMA, utf8(schema));
        return record;
    }

    /** Proves: poison is a PoisonEvent anywhere in the cause chain; anything else is infrastructure. */
    @Test
    void poisonOrInfrastructure() {
        assertThat(EventConsumption.isPoison(new RuntimeException(new PoisonEvent(Reason.UNDECODABLE, "x"))))
                .isTrue();
        assertThat(EventConsumption.isPoison(new java.net.ConnectException("refused"))).isFalse();
        assertThat(EventConsumption.isPoison(new IllegalStateException("bug"))).isFalse();
    }

    private static Reason reason(ConsumerRecord<String, byte[]> record) {
        return catchThrowableOfType(PoisonEvent.class, () -> EventAdmission.admit(record, "", 1024)).reason();
    }

    private static ConsumerRecord<String, byte[]> record(String topic, String source, String type, String subject) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, utf8(UUID.randomUUID().toString()));
        headers.add(CloudEventHeaders.SOURCE, utf8(source));
        headers.add(CloudEventHeaders.TYPE, utf8(type));
        headers.add(CloudEventHeaders.TIME, utf8(Instant.now().toString()));
        headers.add(CloudEventHeaders.SUBJECT, utf8(subject));
        headers.add(CloudEventHeaders.TENANT, utf8(TENANT));
        return new ConsumerRecord<>(topic, 0, 0, 0L, TimestampType.CREATE_TIME, 36, 10, TENANT, new byte[10],
                headers, java.util.Optional.empty());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
