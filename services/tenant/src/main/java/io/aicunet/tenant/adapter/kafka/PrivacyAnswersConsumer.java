package io.aicunet.tenant.adapter.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.aicunet.contracts.privacy.v1.PrivacyRequestFulfilled;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.tenant.application.contract.PrivacyProtos;
import io.aicunet.tenant.application.privacy.FinishPrivacyRequests;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads every service's answers to privacy requests (PrivacyRequestFulfilled on
 * {@code <service>.privacy.v1}). The offset is committed only after the answer is
 * recorded; a redelivered answer is recognised by its event id.
 */
@ApplicationScoped
public class PrivacyAnswersConsumer {

    private static final Logger LOG = Logger.getLogger(PrivacyAnswersConsumer.class);
    private static final String FULFILLED_TYPE = PrivacyRequestFulfilled.getDescriptor().getFullName();

    private final FinishPrivacyRequests finishPrivacyRequests;

    public PrivacyAnswersConsumer(FinishPrivacyRequests finishPrivacyRequests) {
        this.finishPrivacyRequests = finishPrivacyRequests;
    }

    @Incoming("privacy-answers")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        ReceivedEvent event;
        PrivacyRequestFulfilled answer;
        try {
            event = ReceivedEvent.from(record);
            if (!FULFILLED_TYPE.equals(event.type())) {
                return Uni.createFrom().voidItem();
            }
            answer = PrivacyRequestFulfilled.parseFrom(event.payload());
        } catch (IllegalArgumentException | InvalidProtocolBufferException malformed) {
            LOG.errorf("skipping malformed record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                    malformed.getMessage());
            return Uni.createFrom().voidItem();
        }
        // A database hiccup must not drop an answer: retry with back-off before giving up on the record.
        return finishPrivacyRequests.recordAnswer(event.eventId(), answer.getRequestId(), PrivacyProtos.part(answer))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .onFailure().invoke(failure -> LOG.errorf(failure,
                        "could not record privacy answer %s of %s; the request will fail at its deadline",
                        event.eventId(), answer.getService()))
                .onFailure().recoverWithNull();
    }
}
