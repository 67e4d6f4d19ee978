package io.aicunet.platform.limits;

import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.MutinyTenantServiceGrpc.MutinyTenantServiceStub;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantStatus;
import io.aicunet.platform.tenancy.CallerHeaders;
import io.aicunet.platform.tenancy.ServiceAccount;
import io.aicunet.platform.tenancy.TenantId;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.arc.DefaultBean;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Wires {@link QuotaSource} to the tenant service's GetTenant over gRPC (client
 * {@code tenant-keys}, the one platform/privacy uses: {@code quarkus.grpc.clients.tenant-keys.host/port}),
 * calling with this service's own account and acting on the one tenant it asks about
 * (the policy lets the fleet's services read a tenant only that way). The tenant service
 * replaces this bean with one that reads its own database.
 */
@ApplicationScoped
public class GrpcQuotaSource {

    @Produces
    @ApplicationScoped
    @DefaultBean
    QuotaSource quotaSource(@GrpcClient("tenant-keys") MutinyTenantServiceStub stub, ServiceAccount account,
                            LimitsConfig config) {
        MutinyTenantServiceStub caller = stub.withCallCredentials(account.callCredentials());
        return tenant -> caller.withInterceptors(actingOn(tenant))
                .withDeadlineAfter(config.quotaTimeoutMillis(), TimeUnit.MILLISECONDS)
                .getTenant(GetTenantRequest.newBuilder().setTenantId(tenant.toString()).build())
                .map(response -> Optional.of(quotasOf(response.getTenant())))
                .onFailure(GrpcQuotaSource::unknownTenant).recoverWithItem(Optional.empty());
    }

    /** The tenant's quotas; {@link Quotas#erased()} for an erased tenant. */
    static Quotas quotasOf(Tenant tenant) {
        if (tenant.getStatus() == TenantStatus.TENANT_STATUS_ERASED) {
            return Quotas.erased();
        }
        return new Quotas(tenant.getQuotas().getRequestsPerMinute(), tenant.getQuotas().getTokensPerDay(),
                tenant.getQuotas().getStorageBytes());
    }

    private static ClientInterceptor actingOn(TenantId tenant) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(CallerHeaders.TENANT, Metadata.ASCII_STRING_MARSHALLER), tenant.toString());
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** NOT_FOUND: the tenant service does not know the tenant. Anything else is an outage. */
    private static boolean unknownTenant(Throwable failure) {
        return failure instanceof StatusRuntimeException status
                && status.getStatus().getCode() == Status.Code.NOT_FOUND;
    }
}
