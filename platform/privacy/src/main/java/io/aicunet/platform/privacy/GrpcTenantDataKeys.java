package io.aicunet.platform.privacy;

import io.aicunet.contracts.privacy.v1.GetDataKeyRequest;
import io.aicunet.contracts.privacy.v1.MutinyTenantKeyServiceGrpc.MutinyTenantKeyServiceStub;
import io.aicunet.platform.tenancy.CallerHeaders;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Wires {@link TenantDataKeys} to the tenant service's TenantKeyService over gRPC
 * (client {@code tenant-keys}: {@code quarkus.grpc.clients.tenant-keys.host/port}),
 * calling as this service's account with the platform-service role.
 */
@ApplicationScoped
public class GrpcTenantDataKeys {

    @Produces
    @ApplicationScoped
    TenantDataKeys tenantDataKeys(
            @GrpcClient("tenant-keys") MutinyTenantKeyServiceStub stub,
            @ConfigProperty(name = "quarkus.application.name") String service,
            @ConfigProperty(name = "aicunet.privacy.data-key-cache-seconds", defaultValue = "60") long cacheSeconds,
            @ConfigProperty(name = "aicunet.privacy.data-key-cache-entries-max", defaultValue = "10000")
                    int cacheEntriesMax,
            @ConfigProperty(name = "aicunet.privacy.data-key-timeout-millis", defaultValue = "2000") long timeoutMillis) {
        MutinyTenantKeyServiceStub caller = stub.withInterceptors(asServiceAccount(service));
        TenantDataKeys.Source source = (tenant, keyId) -> caller
                .withDeadlineAfter(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
                .getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant.toString()).setKeyId(keyId).build())
                .map(response -> Optional.of(new DataKey(tenant, response.getKeyId(), response.getKey().toByteArray())))
                .onFailure(GrpcTenantDataKeys::keyIsGone).recoverWithItem(Optional.empty());
        return new TenantDataKeys(source, Duration.ofSeconds(cacheSeconds), cacheEntriesMax, Clock.systemUTC());
    }

    /** Calls as this service's account at platform scope, with the platform-service role. */
    static ClientInterceptor asServiceAccount(String service) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(CallerHeaders.TENANT, Metadata.ASCII_STRING_MARSHALLER), "platform");
        headers.put(Metadata.Key.of(CallerHeaders.SUBJECT, Metadata.ASCII_STRING_MARSHALLER), "svc:" + service);
        headers.put(Metadata.Key.of(CallerHeaders.ROLES, Metadata.ASCII_STRING_MARSHALLER), "platform-service");
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** NOT_FOUND or FAILED_PRECONDITION: the tenant or its key no longer exists. Anything else is an outage. */
    private static boolean keyIsGone(Throwable failure) {
        if (!(failure instanceof StatusRuntimeException status)) {
            return false;
        }
        Status.Code code = status.getStatus().getCode();
        return code == Status.Code.NOT_FOUND || code == Status.Code.FAILED_PRECONDITION;
    }
}
