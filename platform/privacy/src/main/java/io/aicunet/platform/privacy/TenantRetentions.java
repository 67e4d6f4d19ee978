package io.aicunet.platform.privacy;

import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.MutinyTenantServiceGrpc.MutinyTenantServiceStub;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantStatus;
import io.aicunet.platform.tenancy.ServiceAccount;
import io.aicunet.platform.tenancy.TenantId;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How long each class of a tenant's data is kept, as the tenant service says (its
 * {@code retention}, days per data class), for services' retention jobs. Asked over gRPC
 * (client {@code tenant-keys}, with this service's own account, acting on that tenant) and cached for
 * {@code aicunet.privacy.retention-cache-seconds}. Empty for a tenant the tenant service
 * does not know or has erased: a retention job leaves such data to the erasure.
 */
@ApplicationScoped
public class TenantRetentions {

    /** Periods of one tenant, one per data class. */
    public record Periods(Map<DataClass, Duration> periods) {

        public Periods {
            periods = Map.copyOf(periods);
        }

        /** Data of the class older than this is due for removal. */
        public Optional<Instant> cutoff(DataClass dataClass, Instant now) {
            return Optional.ofNullable(periods.get(dataClass)).map(now::minus);
        }
    }

    private record Entry(Optional<Periods> periods, Instant expiresAt) {
    }

    private static final int ENTRIES_MAX = 10_000;

    private final MutinyTenantServiceStub tenants;
    private final Duration cacheFor;
    private final long timeoutMillis;
    private final Map<TenantId, Entry> cache = new ConcurrentHashMap<>();

    public TenantRetentions(@GrpcClient("tenant-keys") MutinyTenantServiceStub stub,
                            ServiceAccount account,
                            @ConfigProperty(name = "aicunet.privacy.retention-cache-seconds", defaultValue = "300")
                                    long cacheSeconds,
                            @ConfigProperty(name = "aicunet.privacy.data-key-timeout-millis", defaultValue = "2000")
                                    long timeoutMillis) {
        this.tenants = stub.withCallCredentials(account.callCredentials());
        this.cacheFor = Duration.ofSeconds(cacheSeconds);
        this.timeoutMillis = timeoutMillis;
    }

    /** The tenant's periods; empty when the tenant is unknown or erased. Fails when the tenant service is unreachable. */
    public Uni<Optional<Periods>> of(TenantId tenant) {
        Instant now = Instant.now();
        Entry cached = cache.get(tenant);
        if (cached != null && cached.expiresAt().isAfter(now)) {
            return Uni.createFrom().item(cached.periods());
        }
        return tenants.withInterceptors(GrpcTenantDataKeys.actingOn(tenant))
                .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                .getTenant(GetTenantRequest.newBuilder().setTenantId(tenant.toString()).build())
                .map(response -> periodsOf(response.getTenant()))
                .onFailure(TenantRetentions::unknownTenant).recoverWithItem(Optional.empty())
                .invoke(found -> {
                    if (cache.size() >= ENTRIES_MAX) {
                        cache.clear();
                    }
                    cache.put(tenant, new Entry(found, now.plus(cacheFor)));
                });
    }

    static Optional<Periods> periodsOf(Tenant tenant) {
        if (tenant.getStatus() == TenantStatus.TENANT_STATUS_ERASED) {
            return Optional.empty();
        }
        Map<DataClass, Duration> periods = new EnumMap<>(DataClass.class);
        for (RetentionPeriod period : tenant.getRetentionList()) {
            DataClass.fromWireName(period.getDataClass())
                    .ifPresent(dataClass -> periods.put(dataClass, Duration.ofDays(period.getDays())));
        }
        return Optional.of(new Periods(periods));
    }

    private static boolean unknownTenant(Throwable failure) {
        return failure instanceof StatusRuntimeException status
                && status.getStatus().getCode() == Status.Code.NOT_FOUND;
    }
}
