package io.aicunet.tenant.adapter.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.aicunet.contracts.privacy.v1.PrivacyRequestFulfilled;
import io.aicunet.platform.outbox.EventAdmission;
import io.aicunet.platform.outbox.EventConsumption;
import io.aicunet.platform.outbox.PoisonEvent;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.tenant.application.contract.PrivacyProtos;
import io.aicunet.tenant.application.privacy.FinishPrivacyRequests;
import io.aicunet.tenant.domain.PrivacyRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads every service's answers to privacy requests (PrivacyRequestFulfilled on
 * {@code <service>.privacy.v1}). The offset is committed only after the answer is
 * recorded; a redelivered answer is recognised by its event id.
 *
 * <p>Through the platform's {@link EventConsumption}: an answer that is not the topic
 * owner's CloudEvent, cannot be read, holds control characters, or speaks for another
 * service than the one that owns the topic goes to {@code <topic>.dlq.<group>}; a failure
 * to record a good answer (database down) is retried with back-off until it succeeds.
 */
@ApplicationScoped
public class PrivacyAnswersConsumer {

    static final String CHANNEL = "privacy-answers";
    private static final String FULFILLED_TYPE = PrivacyRequestFulfilled.getDescriptor().getFullName();

    private final FinishPrivacyRequests finishPrivacyRequests;
    private final EventConsumption consumption;

    public PrivacyAnswersConsumer(FinishPrivacyRequests finishPrivacyRequests, EventConsumption consumption) {
        this.finishPrivacyRequests = finishPrivacyRequests;
        this.consumption = consumption;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return consumption.consume(CHANNEL, record, event -> {
            if (!FULFILLED_TYPE.equals(event.type())) {
                return Uni.createFrom().voidItem();
            }
            PrivacyRequestFulfilled answer = decode(event);
            String owner = event.source().substring(event.source().lastIndexOf('/') + 1);
            if (!owner.equals(answer.getService())) {
                throw new PoisonEvent(PoisonEvent.Reason.FORGED_SOURCE,
                        "the answer's service is not " + owner + ", the owner of the topic");
            }
            PrivacyRequest.Part part;
            try {
                UUID.fromString(answer.getRequestId());
                part = PrivacyProtos.part(answer);
            } catch (RuntimeException unreadable) {
                throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE,
                        "request_id or fulfilled_at of the answer is not readable", unreadable);
            }
            return finishPrivacyRequests.recordAnswer(event.eventId(), answer.getRequestId(), part);
        });
    }

    private static PrivacyRequestFulfilled decode(ReceivedEvent event) {
        try {
            return EventAdmission.requireCleanText(PrivacyRequestFulfilled.parseFrom(event.payload()));
        } catch (InvalidProtocolBufferException malformed) {
            throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE, "payload is not a PrivacyRequestFulfilled",
                    malformed);
        }
    }
}
