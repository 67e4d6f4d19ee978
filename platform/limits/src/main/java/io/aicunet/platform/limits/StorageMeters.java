package io.aicunet.platform.limits;

import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.aicunet.platform.problem.Result;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Storage use as metrics, without a label per tenant that could grow without bound:
 * {@code aicunet.storage.tenant.bytes{tenant}} for the {@code aicunet.limits.storage.top-tenants}
 * (10) tenants storing the most (the rows are replaced at each refresh, so at most that
 * many series exist at a time), and the totals {@code aicunet.storage.bytes} and
 * {@code aicunet.storage.tenants}. A service's scheduled job calls {@link #refresh()}; the
 * figures are as old as the last refresh.
 */
@ApplicationScoped
public class StorageMeters {

    /** The most tenants a refresh reads (and the metric shows). */
    public static final int TOP_TENANTS_MAX = 100;

    private final Pool pool;
    private final int topTenants;
    private final MultiGauge perTenant;
    private final AtomicLong totalBytes = new AtomicLong();
    private final AtomicLong tenants = new AtomicLong();

    public StorageMeters(Pool pool, MeterRegistry meters,
                         @ConfigProperty(name = "aicunet.limits.storage.top-tenants", defaultValue = "10")
                                 int topTenants) {
        if (topTenants < 0 || topTenants > TOP_TENANTS_MAX) {
            throw new IllegalArgumentException("aicunet.limits.storage.top-tenants must lie between 0 and "
                    + TOP_TENANTS_MAX + ", was " + topTenants);
        }
        this.pool = pool;
        this.topTenants = topTenants;
        this.perTenant = MultiGauge.builder("aicunet.storage.tenant.bytes").baseUnit("bytes")
                .description("Bytes stored by each of the tenants storing the most (top N), at the last refresh")
                .register(meters);
        Gauge.builder("aicunet.storage.bytes", totalBytes, AtomicLong::get).baseUnit("bytes")
                .description("Bytes stored by all tenants together, at the last refresh").register(meters);
        Gauge.builder("aicunet.storage.tenants", tenants, AtomicLong::get)
                .description("Tenants storing bytes, at the last refresh").register(meters);
    }

    /** One tenant's use, as the per-tenant gauge shows it. */
    public record TenantBytes(UUID tenant, long bytes) {
    }

    /** Reads the top tenants and the totals (platform scope, one transaction) and publishes them. */
    public Uni<List<TenantBytes>> refresh() {
        return TenantTransactions.inTenant(pool, TenantScope.platform(), connection -> connection
                        .preparedQuery("SELECT coalesce(sum(bytes), 0)::bigint AS total, count(*) FILTER (WHERE bytes > 0)"
                                + " AS tenants FROM tenant_storage")
                        .execute()
                        .invoke(rows -> {
                            totalBytes.set(rows.iterator().next().getLong("total"));
                            tenants.set(rows.iterator().next().getLong("tenants"));
                        })
                        .flatMap(ignored -> connection.preparedQuery("SELECT tenant_id, bytes FROM tenant_storage"
                                        + " WHERE bytes > 0 ORDER BY bytes DESC, tenant_id LIMIT $1")
                                .execute(Tuple.of(topTenants)))
                        .map(rows -> {
                            List<TenantBytes> top = new ArrayList<>(rows.size());
                            rows.forEach(row -> top.add(new TenantBytes(row.getUUID("tenant_id"),
                                    row.getLong("bytes"))));
                            return Result.ok(top);
                        }))
                .map(Result::value)
                .invoke(top -> perTenant.register(top.stream()
                        .map(t -> MultiGauge.Row.of(Tags.of("tenant", t.tenant().toString()), t.bytes()))
                        .toList(), true));
    }
}
