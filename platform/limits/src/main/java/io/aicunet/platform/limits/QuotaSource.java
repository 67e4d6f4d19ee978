package io.aicunet.platform.limits;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * Where {@link TenantQuotas} learns a tenant's quotas: the tenant service over gRPC in
 * every service ({@link GrpcQuotaSource}), the tenant service's own database in the
 * tenant service (a bean of this type there replaces the gRPC one).
 */
public interface QuotaSource {

    /**
     * The tenant's quotas; empty when the tenant service does not know the tenant. Fails
     * (with any exception) when the answer cannot be had: {@link TenantQuotas} then serves
     * what it knew before.
     */
    Uni<Optional<Quotas>> quotasOf(TenantId tenant);
}
