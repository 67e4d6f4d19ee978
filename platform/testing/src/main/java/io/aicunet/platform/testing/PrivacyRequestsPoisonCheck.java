package io.aicunet.platform.testing;

import static io.aicunet.platform.testing.PoisonEvents.WITH_NUL;
import static io.aicunet.platform.testing.PoisonEvents.cloudEvent;
import static io.aicunet.platform.testing.PoisonEvents.header;
import static io.aicunet.platform.testing.PoisonEvents.idOf;
import static io.aicunet.platform.testing.PoisonEvents.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.aicunet.contracts.privacy.v1.PrivacyRequestCreated;
import io.aicunet.contracts.privacy.v1.PrivacyRequestFulfilled;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The poison check of the privacy requests channel, the same in every service that
 * answers privacy requests (platform/privacy's PrivacyRequestsConsumer): for each kind of
 * bad record on {@code tenant.privacy-requests.v1} (a NUL byte in {@code ce_subject} or
 * in the payload's text, an oversized record, an undecodable payload, a request from
 * another source than the tenant service), the record lands in
 * {@code tenant.privacy-requests.v1.dlq.<service>-privacy-requests} with its reason, the
 * good erasure request behind it (same tenant, same partition) is answered on
 * {@code <service>.privacy.v1}, and readiness stays UP.
 */
public final class PrivacyRequestsPoisonCheck {

    private PrivacyRequestsPoisonCheck() {
    }

    /** Runs every case against the application under test, {@code service} at {@code url}. */
    public static void check(URL url, String service) {
        String topic = FleetTestResource.topicPrefix() + "tenant.privacy-requests.v1";
        String group = FleetTestResource.topicPrefix() + service + "-privacy-requests";
        Map<String, UnaryOperator<ProducerRecord<String, byte[]>>> spoilers = Map.of(
                "CONTROL_CHARACTER", good -> withHeader(good, "ce_subject", "requests/" + WITH_NUL),
                "OVERSIZED", good -> PoisonEvents.oversized(good, 600 * 1024),
                "UNDECODABLE", good -> PoisonEvents.withValue(good, PoisonEvents.UNDECODABLE),
                "FORGED_SOURCE", good -> withHeader(good, "ce_source", "/aicunet/ledger"));
        try (TopicReader deadLetters = new TopicReader(topic + ".dlq." + group);
                TopicReader answers = new TopicReader(FleetTestResource.topicPrefix() + service + ".privacy.v1")) {
            spoilers.forEach((reason, spoil) -> {
                UUID tenant = UUID.randomUUID();
                assertDeadLetteredAndNextAnswered(deadLetters, answers, spoil.apply(erasure(topic, tenant, "")),
                        erasure(topic, tenant, ""), reason, url);
            });
            UUID tenant = UUID.randomUUID();
            assertDeadLetteredAndNextAnswered(deadLetters, answers, erasure(topic, tenant, "subject" + WITH_NUL),
                    erasure(topic, tenant, ""), "CONTROL_CHARACTER", url);
        }
    }

    private static void assertDeadLetteredAndNextAnswered(TopicReader deadLetters, TopicReader answers,
                                                          ProducerRecord<String, byte[]> poison,
                                                          ProducerRecord<String, byte[]> next, String reason,
                                                          URL url) {
        PoisonEvents.send(poison, next);
        ConsumerRecord<String, byte[]> letter = PoisonEvents.awaitDeadLetter(deadLetters, idOf(poison));
        assertThat(header(letter, PoisonEvents.REASON)).as("reason of %s", idOf(poison)).contains(reason);
        String requestId = requestIdOf(next);
        answers.readUntil(read -> read.stream().anyMatch(answer -> answers(answer, requestId)),
                Duration.ofSeconds(60));
        PoisonEvents.assertReady(url);
    }

    private static ProducerRecord<String, byte[]> erasure(String topic, UUID tenant, String subject) {
        return cloudEvent(topic, PrivacyRequestCreated.getDescriptor().getFullName(), "/aicunet/tenant", tenant,
                PrivacyRequestCreated.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setKind(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE).setTenantId(tenant.toString())
                        .setSubjectId(subject).build().toByteArray());
    }

    private static String requestIdOf(ProducerRecord<String, byte[]> record) {
        try {
            return PrivacyRequestCreated.parseFrom(record.value()).getRequestId();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean answers(ConsumerRecord<String, byte[]> answer, String requestId) {
        try {
            return PrivacyRequestFulfilled.parseFrom(answer.value()).getRequestId().equals(requestId);
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }
}
