package io.aicunet.platform.limits;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Holds a tenant to its {@code storage_bytes} quota in one service's database, in the
 * transaction of the write (docs/storage-quotas.md).
 *
 * <p>The service's changelog keeps a {@code tenant_storage(tenant_id, bytes)} table under
 * row-level security, counted by statement triggers on the tables that hold a tenant's
 * bytes: every insert, update and delete adds its difference to the tenant's row, in the
 * same transaction, and adds it to the transaction-local setting
 * {@value #DELTA_SETTING}. After its write, a use case calls {@link #checkWrite}: the
 * tenant's row is still locked by the write's own update, so the figure it reads is exact
 * and no other transaction of the tenant can change it before this one ends. A write
 * past the quota is answered with {@link Problem.ResourceExhausted} naming the quota and
 * the use before the write; the use case returns it as a failed result and the
 * transaction rolls back: nothing written, nothing counted.
 *
 * <p>What a hot tenant pays: its writes to one service are serialised on its row from
 * the write to the commit (docs/BENCHMARKS.md measures it); other tenants are not affected.
 */
@ApplicationScoped
public class StorageQuota {

    /** The transaction-local setting in which the triggers sum the transaction's own change. */
    public static final String DELTA_SETTING = "aicunet.storage_delta_bytes";

    private static final Logger LOG = Logger.getLogger(StorageQuota.class);

    private static final String READ_USE = "SELECT s.bytes, coalesce(nullif(current_setting('" + DELTA_SETTING
            + "', true), ''), '0')::bigint AS written, set_config('" + DELTA_SETTING + "', '0', true)"
            + " FROM tenant_storage s WHERE s.tenant_id = $1";

    private final TenantQuotas quotas;
    private final String service;
    private final Counter refusals;
    private final Counter factsOverQuota;

    public StorageQuota(TenantQuotas quotas, MeterRegistry meters,
                        @ConfigProperty(name = "quarkus.application.name") String service) {
        this.quotas = quotas;
        this.service = service;
        this.refusals = Counter.builder("aicunet.storage.refusals")
                .description("Writes refused because the tenant would store more than its storage_bytes quota")
                .register(meters);
        this.factsOverQuota = Counter.builder("aicunet.storage.facts.over.quota")
                .description("Batches of facts (events) stored for a tenant past its storage_bytes quota")
                .register(meters);
    }

    /**
     * After a tenant's write, in its transaction: the tenant's use, or RESOURCE_EXHAUSTED
     * when the write added bytes and the tenant now stores more than its quota (the
     * caller returns it and the transaction rolls back). Resets the transaction's
     * counted change, so a second check in one transaction sees only what came after.
     */
    public Uni<Result<StorageUse>> checkWrite(SqlConnection connection, TenantId tenant) {
        return use(connection, tenant).map(use -> {
            Optional<Problem.ResourceExhausted> refusal = StorageDecision.refusal(service, use);
            if (refusal.isPresent()) {
                refusals.increment();
                return Result.failed(refusal.get());
            }
            return Result.ok(use);
        });
    }

    /**
     * After storing facts the service may not refuse (events that happened), in their
     * transaction: each tenant's use. A tenant past its quota keeps its facts all the same;
     * it is logged and counted in {@code aicunet.storage.facts.over.quota}, and its own
     * writes are refused until it is back under.
     */
    public Uni<List<StorageUse>> countFacts(SqlConnection connection, Collection<TenantId> tenants) {
        if (tenants.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        UUID[] ids = tenants.stream().map(TenantId::value).distinct().toArray(UUID[]::new);
        return connection.preparedQuery("SELECT tenant_id, bytes FROM tenant_storage WHERE tenant_id = ANY($1)")
                .execute(Tuple.of(ids))
                .flatMap(rows -> {
                    List<Uni<StorageUse>> uses = new ArrayList<>(rows.size());
                    rows.forEach(row -> {
                        TenantId tenant = new TenantId(row.getUUID("tenant_id"));
                        long bytes = row.getLong("bytes");
                        uses.add(quotas.of(tenant).map(quota -> new StorageUse(tenant, bytes, 0,
                                quota.storageBytes())));
                    });
                    return uses.isEmpty()
                            ? Uni.createFrom().item(List.<StorageUse>of())
                            : Uni.join().all(uses).andFailFast();
                })
                .invoke(uses -> uses.stream().filter(StorageUse::overQuota).forEach(use -> {
                    factsOverQuota.increment();
                    LOG.warnf("tenant %s stores %d bytes with %s, over its storage quota of %d: its facts (events)"
                            + " are stored all the same, its own writes are refused", use.tenant(), use.bytes(),
                            service, use.quotaBytes());
                }));
    }

    private Uni<StorageUse> use(SqlConnection connection, TenantId tenant) {
        return connection.preparedQuery(READ_USE).execute(Tuple.of(tenant.value()))
                .flatMap(rows -> quotas.of(tenant).map(quota -> useOf(tenant, rows, quota.storageBytes())));
    }

    private static StorageUse useOf(TenantId tenant, RowSet<Row> rows, long quotaBytes) {
        if (rows.size() == 0) {
            // The tenant never stored anything here: nothing was counted, nothing to refuse.
            return new StorageUse(tenant, 0, 0, quotaBytes);
        }
        Row row = rows.iterator().next();
        return new StorageUse(tenant, row.getLong("bytes"), row.getLong("written"), quotaBytes);
    }
}
