package io.aicunet.tenant.application.tenants;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.tenant.application.tenants.TenantCommands.UpdateTenantCommand;
import io.aicunet.tenant.application.tenants.TenantInputs.SettingsChange;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.application.contract.TenantEvents;
import io.aicunet.tenant.domain.Tenant;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Changes a tenant's display name, tier, quotas or retention, optionally only at an expected version. */
@ApplicationScoped
public class UpdateTenant {

    public static final String ACTION = "tenant.tenants.update";

    private final TenantAccess access;
    private final TenantEvents events;

    public UpdateTenant(TenantAccess access, TenantEvents events) {
        this.access = access;
        this.events = events;
    }

    public Uni<Result<Tenant>> execute(Caller caller, UpdateTenantCommand command) {
        Result<SettingsChange> change = TenantInputs.settingsChange(command);
        if (!change.isOk()) {
            return Uni.createFrom().item(Result.failed(change.problem()));
        }
        return access.onTenant(caller, command.tenantId(), ACTION, true, (connection, tenant) -> {
            if (command.expectedVersion().isPresent() && command.expectedVersion().getAsLong() != tenant.version()) {
                return Uni.createFrom().item(Result.failed(new Problem.Conflict("VERSION_MISMATCH",
                        "tenant " + tenant.id() + " is at version " + tenant.version() + ", not "
                                + command.expectedVersion().getAsLong())));
            }
            Result<Tenant> changed = tenant.change(change.value().applyTo(tenant.settings()),
                    Instant.now().truncatedTo(ChronoUnit.MICROS));
            if (!changed.isOk()) {
                return Uni.createFrom().item(changed);
            }
            return access.save(connection, changed.value(), events.updated(changed.value()));
        });
    }
}
