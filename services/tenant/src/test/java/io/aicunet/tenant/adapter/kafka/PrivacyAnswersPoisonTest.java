package io.aicunet.tenant.adapter.kafka;

import static io.aicunet.platform.testing.PoisonEvents.WITH_NUL;
import static io.aicunet.platform.testing.PoisonEvents.cloudEvent;
import static io.aicunet.platform.testing.PoisonEvents.header;
import static io.aicunet.platform.testing.PoisonEvents.idOf;
import static io.aicunet.platform.testing.PoisonEvents.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.aicunet.contracts.privacy.v1.PrivacyRequestFulfilled;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.platform.outbox.DeadLetters;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.PoisonEvents;
import io.aicunet.platform.testing.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No record on a service's {@code <service>.privacy.v1} can stop the tenant service's
 * privacy-answers consumer: each bad one lands in
 * {@code <topic>.dlq.tenant-privacy-answers} with its reason, the good answer behind it
 * on the same partition is recorded (its event id in the inbox), readiness stays UP.
 */
@QuarkusTest
class PrivacyAnswersPoisonTest {

    private static final String GROUP = "tenant-privacy-answers";

    @TestHTTPResource(tls = true)
    URL service;

    private final UUID tenant = UUID.randomUUID();
    private TopicReader deadLetters;

    @BeforeEach
    void readDeadLetters() {
        deadLetters = new TopicReader(DeadLetters.topicOf(topic(), GROUP));
    }

    @AfterEach
    void closeReader() {
        deadLetters.close();
    }

    /** Proves: a NUL byte in ce_subject is dead-lettered as CONTROL_CHARACTER. */
    @Test
    void nulByteInSubjectIsDeadLettered() throws Exception {
        assertDeadLetteredAndNextRecorded(withHeader(answer("ledger"), "ce_subject", "x" + WITH_NUL),
                "CONTROL_CHARACTER");
    }

    /** Proves: a NUL byte in a text field of the answer is dead-lettered as CONTROL_CHARACTER. */
    @Test
    void nulByteInPayloadIsDeadLettered() throws Exception {
        ProducerRecord<String, byte[]> good = answer("ledger");
        assertDeadLetteredAndNextRecorded(PoisonEvents.withValue(good, fulfilled("ledger").toBuilder()
                .setObject("export" + WITH_NUL).build().toByteArray()), "CONTROL_CHARACTER");
    }

    /** Proves: a record above the consumers' size limit is dead-lettered as OVERSIZED. */
    @Test
    void oversizedEventIsDeadLettered() throws Exception {
        assertDeadLetteredAndNextRecorded(PoisonEvents.oversized(answer("ledger"), 600 * 1024), "OVERSIZED");
    }

    /** Proves: an answer whose payload is no protobuf message is dead-lettered as UNDECODABLE. */
    @Test
    void undecodablePayloadIsDeadLettered() throws Exception {
        assertDeadLetteredAndNextRecorded(PoisonEvents.withValue(answer("ledger"), PoisonEvents.UNDECODABLE),
                "UNDECODABLE");
    }

    /**
     * Proves: an answer on the ledger's topic from another source, or one that speaks for
     * another service than the topic's owner, is dead-lettered as FORGED_SOURCE.
     */
    @Test
    void forgedAnswersAreDeadLettered() throws Exception {
        assertDeadLetteredAndNextRecorded(withHeader(answer("ledger"), "ce_source", "/aicunet/config"),
                "FORGED_SOURCE");
        assertDeadLetteredAndNextRecorded(PoisonEvents.withValue(answer("ledger"),
                fulfilled("config").toByteArray()), "FORGED_SOURCE");
    }

    private void assertDeadLetteredAndNextRecorded(ProducerRecord<String, byte[]> poison, String reason)
            throws Exception {
        ProducerRecord<String, byte[]> next = answer("ledger");
        PoisonEvents.send(poison, next);
        ConsumerRecord<String, byte[]> letter = PoisonEvents.awaitDeadLetter(deadLetters, idOf(poison));
        assertThat(header(letter, DeadLetters.REASON)).contains(reason);
        assertThat(header(letter, DeadLetters.GROUP)).contains(GROUP);
        await().atMost(Duration.ofSeconds(60)).until(() -> recorded(idOf(next)));
        assertThat(recorded(idOf(poison))).isFalse();
        PoisonEvents.assertReady(service);
    }

    private static boolean recorded(String eventId) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(
                        "SELECT count(*) FROM tenant.inbox_events WHERE consumer = ? AND event_id = ?::uuid")) {
            select.setString(1, GROUP);
            select.setString(2, eventId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1) == 1;
            }
        }
    }

    private ProducerRecord<String, byte[]> answer(String from) {
        return cloudEvent(topic(), PrivacyRequestFulfilled.getDescriptor().getFullName(), "/aicunet/" + from, tenant,
                fulfilled(from).toByteArray());
    }

    private PrivacyRequestFulfilled fulfilled(String from) {
        return PrivacyRequestFulfilled.newBuilder().setRequestId(UUID.randomUUID().toString()).setService(from)
                .setTenantId(tenant.toString()).setKind(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE)
                .setFulfilledAt(Timestamp.newBuilder().setSeconds(1_800_000_000L)).build();
    }

    private static String topic() {
        return FleetTestResource.topicPrefix() + "ledger.privacy.v1";
    }
}
