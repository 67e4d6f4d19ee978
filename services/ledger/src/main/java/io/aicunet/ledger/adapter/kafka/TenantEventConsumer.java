package io.aicunet.ledger.adapter.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.contracts.tenant.v1.TenantSuspended;
import io.aicunet.contracts.tenant.v1.TenantUpdated;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.ledger.application.tenants.TenantEvent;
import io.aicunet.platform.outbox.EventAdmission;
import io.aicunet.platform.outbox.EventConsumption;
import io.aicunet.platform.outbox.PoisonEvent;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes the tenant service's events ({@code tenant.tenants.v1}, with the run's
 * topic prefix, see application.properties). The offset is committed after an event
 * is applied; a redelivered event is recognised by its id in the inbox.
 *
 * <p>Through the platform's {@link EventConsumption}: a record that is not the tenant
 * service's CloudEvent, or whose payload cannot be read or holds control characters
 * (a NUL byte in a suspension reason once fail-stopped this consumer), goes to
 * {@code <topic>.dlq.<group>} and the next record is read; a failure to apply a good
 * event (database down) is retried with back-off until it succeeds.
 */
@ApplicationScoped
public class TenantEventConsumer {

    static final String CHANNEL = "tenant-events";
    static final String CREATED = "aicunet.tenant.v1.TenantCreated";
    static final String UPDATED = "aicunet.tenant.v1.TenantUpdated";
    static final String SUSPENDED = "aicunet.tenant.v1.TenantSuspended";
    static final String REACTIVATED = "aicunet.tenant.v1.TenantReactivated";

    private final ApplyTenantEvent applyTenantEvent;
    private final EventConsumption consumption;
    private final MeterRegistry meters;

    public TenantEventConsumer(ApplyTenantEvent applyTenantEvent, EventConsumption consumption,
                               MeterRegistry meters) {
        this.applyTenantEvent = applyTenantEvent;
        this.consumption = consumption;
        this.meters = meters;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return consumption.consume(CHANNEL, record, event -> applyTenantEvent.apply(decode(event))
                .invoke(applied -> meters.counter("aicunet.ledger.tenant.events", "outcome",
                        applied ? "applied" : "skipped").increment()));
    }

    /**
     * The event as the ledger reads it: its type, and for a suspension the reason; a
     * {@link PoisonEvent} when the payload is not its protobuf or holds control characters.
     */
    static TenantEvent decode(ReceivedEvent event) {
        TenantEvent.Change change = switch (event.type()) {
            case CREATED -> new TenantEvent.Created(tokenQuota(createdTenant(event)));
            case UPDATED -> new TenantEvent.Updated(tokenQuota(updatedTenant(event)));
            case SUSPENDED -> new TenantEvent.Suspended(suspensionReason(event));
            case REACTIVATED -> new TenantEvent.Reactivated();
            default -> new TenantEvent.Other(event.type());
        };
        return new TenantEvent(event.eventId(), event.tenant(), event.time(), change);
    }

    private static Tenant createdTenant(ReceivedEvent event) {
        try {
            return TenantCreated.parseFrom(event.payload()).getTenant();
        } catch (InvalidProtocolBufferException malformed) {
            throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE, "payload is not a TenantCreated", malformed);
        }
    }

    private static Tenant updatedTenant(ReceivedEvent event) {
        try {
            return TenantUpdated.parseFrom(event.payload()).getTenant();
        } catch (InvalidProtocolBufferException malformed) {
            throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE, "payload is not a TenantUpdated", malformed);
        }
    }

    /**
     * The tenant's token quota, when the event carries quotas (the tenant service's
     * events always do); a negative quota or version, which the tenant service refuses,
     * is poison rather than a budget.
     */
    static Optional<TenantEvent.TokenQuota> tokenQuota(Tenant tenant) {
        if (!tenant.hasQuotas()) {
            return Optional.empty();
        }
        long tokensPerDay = tenant.getQuotas().getTokensPerDay();
        if (tokensPerDay < 0 || tenant.getVersion() < 0) {
            throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE,
                    "tenant.quotas.tokens_per_day or tenant.version is negative");
        }
        return Optional.of(new TenantEvent.TokenQuota(tokensPerDay, tenant.getVersion()));
    }

    private static String suspensionReason(ReceivedEvent event) {
        try {
            return EventAdmission.requireCleanText(TenantSuspended.parseFrom(event.payload())).getReason();
        } catch (InvalidProtocolBufferException malformed) {
            throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE, "payload is not a TenantSuspended", malformed);
        }
    }
}
