package io.aicunet.tenant.application.tenants;

import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.tenant.application.tenants.TenantCommands.GetTenantQuery;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.domain.Tenant;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads one tenant. Another tenant's caller gets NOT_FOUND, as if it did not exist. */
@ApplicationScoped
public class GetTenant {

    public static final String ACTION = "tenant.tenants.read";

    private final TenantAccess access;

    public GetTenant(TenantAccess access) {
        this.access = access;
    }

    public Uni<Result<Tenant>> execute(Caller caller, GetTenantQuery query) {
        return access.onTenant(caller, query.tenantId(), ACTION, false,
                (connection, tenant) -> Uni.createFrom().item(Result.ok(tenant)));
    }
}
