package io.aicunet.ledger.adapter.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.aicunet.contracts.tenant.v1.TenantSuspended;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.ledger.application.tenants.TenantEvent;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes the tenant service's events ({@code tenant.tenants.v1}, with the run's
 * topic prefix, see application.properties). The offset is committed after an event
 * is applied; a redelivered event is recognised by its id in the inbox.
 *
 * <p>A record that is not a fleet CloudEvent is logged, counted and skipped: it can
 * never be applied, and blocking the partition on it would stop every tenant behind
 * it. A failure to apply a good event (database down) is retried with back-off; if it
 * still fails, the channel fails and health turns DOWN, rather than skipping it.
 */
@ApplicationScoped
public class TenantEventConsumer {

    static final String CREATED = "aicunet.tenant.v1.TenantCreated";
    static final String SUSPENDED = "aicunet.tenant.v1.TenantSuspended";
    static final String REACTIVATED = "aicunet.tenant.v1.TenantReactivated";

    private static final Logger LOG = Logger.getLogger(TenantEventConsumer.class);

    private final ApplyTenantEvent applyTenantEvent;
    private final MeterRegistry meters;

    public TenantEventConsumer(ApplyTenantEvent applyTenantEvent, MeterRegistry meters) {
        this.applyTenantEvent = applyTenantEvent;
        this.meters = meters;
    }

    @Incoming("tenant-events")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        ReceivedEvent event;
        try {
            event = ReceivedEvent.from(record);
        } catch (RuntimeException malformed) {
            LOG.warnf("skipping a record of %s/%d@%d that is not a fleet CloudEvent: %s", record.topic(),
                    record.partition(), record.offset(), malformed.getMessage());
            meters.counter("aicunet.ledger.tenant.events", "outcome", "malformed").increment();
            return Uni.createFrom().voidItem();
        }
        return applyTenantEvent.apply(decode(event))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .invoke(applied -> meters.counter("aicunet.ledger.tenant.events", "outcome",
                        applied ? "applied" : "skipped").increment())
                .replaceWithVoid();
    }

    /** The event as the ledger reads it: its type, and for a suspension the reason. */
    static TenantEvent decode(ReceivedEvent event) {
        TenantEvent.Change change = switch (event.type()) {
            case CREATED -> new TenantEvent.Created();
            case SUSPENDED -> new TenantEvent.Suspended(suspensionReason(event));
            case REACTIVATED -> new TenantEvent.Reactivated();
            default -> new TenantEvent.Other(event.type());
        };
        return new TenantEvent(event.eventId(), event.tenant(), event.time(), change);
    }

    private static String suspensionReason(ReceivedEvent event) {
        try {
            return TenantSuspended.parseFrom(event.payload()).getReason();
        } catch (InvalidProtocolBufferException malformed) {
            LOG.warnf("TenantSuspended %s has a malformed payload; suspending without a reason", event.eventId());
            return "";
        }
    }
}
