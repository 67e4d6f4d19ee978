package io.aicunet.tenant.application.tenants;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.tenant.application.tenants.TenantCommands.SuspendTenantCommand;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.application.contract.TenantEvents;
import io.aicunet.tenant.domain.Tenant;
import io.aicunet.tenant.domain.TenantRules;
import io.aicunet.tenant.domain.TenantStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Suspends an active tenant; other services refuse its new work while it is suspended. */
@ApplicationScoped
public class SuspendTenant {

    public static final String ACTION = "tenant.tenants.suspend";

    private final TenantAccess access;
    private final TenantEvents events;

    public SuspendTenant(TenantAccess access, TenantEvents events) {
        this.access = access;
        this.events = events;
    }

    public Uni<Result<Tenant>> execute(Caller caller, SuspendTenantCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        TenantRules.checkReason(command.reason(), violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        return access.onTenant(caller, command.tenantId(), ACTION, true, (connection, tenant) -> {
            Result<Tenant> suspended = tenant.moveTo(TenantStatus.SUSPENDED, Instant.now().truncatedTo(ChronoUnit.MICROS));
            if (!suspended.isOk()) {
                return Uni.createFrom().item(suspended);
            }
            return access.save(connection, suspended.value(),
                    events.suspended(suspended.value(), command.reason().trim()));
        });
    }
}
