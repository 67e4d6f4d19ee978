package io.aicunet.tenant.adapter.persistence;

import io.aicunet.platform.limits.QuotaSource;
import io.aicunet.platform.limits.Quotas;
import io.aicunet.platform.policy.RequestPipeline;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.tenant.application.port.Tenants;
import io.aicunet.tenant.domain.Tenant;
import io.aicunet.tenant.domain.TenantStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The tenant service's own answer to "what are this tenant's quotas" (platform/limits
 * {@code TenantQuotas}): read from its database in a transaction scoped to that tenant,
 * replacing the gRPC source every other service uses, so the tenant service never calls
 * itself. An erased tenant's quotas are Quotas.erased(), as the gRPC source says too.
 */
@ApplicationScoped
public class PgQuotaSource implements QuotaSource {

    private final RequestPipeline pipeline;
    private final Tenants tenants;

    public PgQuotaSource(RequestPipeline pipeline, Tenants tenants) {
        this.pipeline = pipeline;
        this.tenants = tenants;
    }

    @Override
    public Uni<Optional<Quotas>> quotasOf(TenantId tenant) {
        return pipeline.transaction(TenantScope.of(tenant),
                        connection -> tenants.find(connection, tenant, false).map(Result::ok))
                .map(result -> result.value().map(PgQuotaSource::quotasOf));
    }

    static Quotas quotasOf(Tenant tenant) {
        if (tenant.status() == TenantStatus.ERASED) {
            return Quotas.erased();
        }
        return new Quotas(tenant.quotas().requestsPerMinute(), tenant.quotas().tokensPerDay(),
                tenant.quotas().storageBytes());
    }
}
