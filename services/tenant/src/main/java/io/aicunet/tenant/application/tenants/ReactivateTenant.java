package io.aicunet.tenant.application.tenants;

import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.tenant.application.tenants.TenantCommands.ReactivateTenantCommand;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.application.contract.TenantEvents;
import io.aicunet.tenant.domain.Tenant;
import io.aicunet.tenant.domain.TenantStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Makes a suspended tenant active again. */
@ApplicationScoped
public class ReactivateTenant {

    public static final String ACTION = "tenant.tenants.reactivate";

    private final TenantAccess access;
    private final TenantEvents events;

    public ReactivateTenant(TenantAccess access, TenantEvents events) {
        this.access = access;
        this.events = events;
    }

    public Uni<Result<Tenant>> execute(Caller caller, ReactivateTenantCommand command) {
        return access.onTenant(caller, command.tenantId(), ACTION, true, (connection, tenant) -> {
            Result<Tenant> active = tenant.moveTo(TenantStatus.ACTIVE, Instant.now().truncatedTo(ChronoUnit.MICROS));
            if (!active.isOk()) {
                return Uni.createFrom().item(active);
            }
            return access.save(connection, active.value(), events.reactivated(active.value()));
        });
    }
}
