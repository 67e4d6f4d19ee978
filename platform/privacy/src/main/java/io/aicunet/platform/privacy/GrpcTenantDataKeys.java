package io.aicunet.platform.privacy;

import io.aicunet.contracts.privacy.v1.GetDataKeyRequest;
import io.aicunet.contracts.privacy.v1.MutinyTenantKeyServiceGrpc.MutinyTenantKeyServiceStub;
import io.aicunet.platform.tenancy.CallerHeaders;
import io.aicunet.platform.tenancy.ServiceAccount;
import io.aicunet.platform.tenancy.TenantId;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Wires {@link TenantDataKeys} to the tenant service's TenantKeyService over gRPC
 * (client {@code tenant-keys}: {@code quarkus.grpc.clients.tenant-keys.host/port}),
 * calling with this service's own account ({@link ServiceAccount}) and acting on the one
 * tenant whose key it asks for: the policy hands a key only to the services that
 * encrypt, and only for the tenant the request names.
 */
@ApplicationScoped
public class GrpcTenantDataKeys {

    private static final Logger LOG = Logger.getLogger(GrpcTenantDataKeys.class);

    @Produces
    @ApplicationScoped
    TenantDataKeys tenantDataKeys(
            @GrpcClient("tenant-keys") MutinyTenantKeyServiceStub stub,
            ServiceAccount account,
            @ConfigProperty(name = "aicunet.privacy.data-key-cache-seconds", defaultValue = "60") long cacheSeconds,
            @ConfigProperty(name = "aicunet.privacy.data-key-cache-entries-max", defaultValue = "10000")
                    int cacheEntriesMax,
            @ConfigProperty(name = "aicunet.privacy.data-key-timeout-millis", defaultValue = "2000") long timeoutMillis) {
        MutinyTenantKeyServiceStub caller = stub.withCallCredentials(account.callCredentials());
        TenantDataKeys.Source source = (tenant, keyId) -> caller
                .withInterceptors(actingOn(tenant))
                .withDeadlineAfter(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
                .getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant.toString()).setKeyId(keyId).build())
                .map(response -> Optional.of(new DataKey(tenant, response.getKeyId(), response.getKey().toByteArray())))
                .onFailure(GrpcTenantDataKeys::keyIsGone).recoverWithItem(Optional.empty());
        return new TenantDataKeys(source, Duration.ofSeconds(cacheSeconds), cacheEntriesMax, Clock.systemUTC());
    }

    /**
     * Opens the connection to the tenant service when the service starts, where one is
     * configured: the TLS handshake and HTTP/2 set-up then happen before the first request,
     * not inside the first data-key call's deadline (on a cold JVM they took most of it).
     * Does not wait: a tenant service that is not up yet is connected to later, as before.
     */
    void connectAtStart(@Observes StartupEvent start, @GrpcClient("tenant-keys") Channel channel,
                        @ConfigProperty(name = "quarkus.grpc.clients.tenant-keys.host") Optional<String> host) {
        if (host.isPresent() && channel instanceof ManagedChannel managed) {
            LOG.debugf("connecting to the tenant service (%s): %s", channel.authority(), managed.getState(true));
        }
    }

    /** Names the tenant a call acts on (the tenant header; the token says who calls). */
    static ClientInterceptor actingOn(TenantId tenant) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(CallerHeaders.TENANT, Metadata.ASCII_STRING_MARSHALLER), tenant.toString());
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
