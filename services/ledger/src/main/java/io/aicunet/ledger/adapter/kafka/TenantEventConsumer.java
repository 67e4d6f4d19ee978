package io.aicunet.ledger.adapter.kafka;

import io.aicunet.ledger.application.ApplyTenantEvent;
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
        return applyTenantEvent.apply(event)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .invoke(applied -> meters.counter("aicunet.ledger.tenant.events", "outcome",
                        applied ? "applied" : "skipped").increment())
                .replaceWithVoid();
    }
}
