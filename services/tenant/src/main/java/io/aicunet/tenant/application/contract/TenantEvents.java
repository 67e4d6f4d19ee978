package io.aicunet.tenant.application.contract;

import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.contracts.tenant.v1.TenantReactivated;
import io.aicunet.contracts.tenant.v1.TenantSuspended;
import io.aicunet.contracts.tenant.v1.TenantUpdated;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.tenant.domain.Tenant;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where the tenant service announces its changes, and the events themselves, built from
 * domain values so the use cases never spell a contract message.
 */
@ApplicationScoped
public class TenantEvents {

    /** Every tenant event, keyed by tenant id. */
    public static final String TOPIC = "tenant.tenants.v1";

    private final Outbox outbox;

    public TenantEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    public OutboxEvent created(Tenant tenant) {
        return event(tenant, TenantCreated.newBuilder().setTenant(TenantProtos.toProto(tenant)).build());
    }

    /** A change of settings or status that has no event of its own (offboarding, erasure, an update). */
    public OutboxEvent updated(Tenant tenant) {
        return event(tenant, TenantUpdated.newBuilder().setTenant(TenantProtos.toProto(tenant)).build());
    }

    public OutboxEvent suspended(Tenant tenant, String reason) {
        return event(tenant, TenantSuspended.newBuilder()
                .setTenant(TenantProtos.toProto(tenant))
                .setReason(reason)
                .build());
    }

    public OutboxEvent reactivated(Tenant tenant) {
        return event(tenant, TenantReactivated.newBuilder().setTenant(TenantProtos.toProto(tenant)).build());
    }

    private OutboxEvent event(Tenant tenant, com.google.protobuf.Message payload) {
        return outbox.event(TOPIC, tenant.id(), tenant.id().toString(), payload);
    }
}
