package io.aicunet.config.application.retention;

import io.aicunet.config.application.port.TenantConfigurations;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.platform.outbox.TenantSweep;
import io.aicunet.platform.privacy.DataClass;
import io.aicunet.platform.privacy.TenantRetentions;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Keeps each tenant's configuration history only as long as the tenant's retention
 * allows. A superseded revision is operational data that names its author and a reason
 * (personal), so the shorter of the tenant's OPERATIONAL and PERSONAL periods applies;
 * current values are never touched (they are the configuration in force, kept while the
 * tenant exists). The rule is compaction's, for one tenant: up to the tenant's newest
 * revision before the cutoff, revisions a later one superseded go, then deletes that
 * ended an entry. The global compaction mark moves there first (as compaction does), so
 * a watch or diff from before it gets REVISION_COMPACTED and reloads rather than miss
 * the removed revisions.
 *
 * <p>Safe with many replicas: one replica at a time runs a pass (platform/outbox's
 * TenantSweep, which also resumes after the last tenant a pass finished), each
 * transaction takes a transaction-scoped advisory lock on the tenant without waiting,
 * deleting is idempotent, and the mark only moves forward. Bounded: at most
 * {@code config.privacy.tenants-per-pass-max} tenants per pass, batches of
 * {@code config.privacy.retention-batch-max} revisions, each its own transaction, at most
 * {@code retention-batches-per-tenant-max} per tenant and run. A
 * tenant the tenant service does not know, or erased, is left to its erasure; one whose
 * periods cannot be fetched is tried again next run.
 */
@ApplicationScoped
public class TenantHistoryRetention {

    static final String JOB = "tenant-history-retention";
    static final String AUTHOR = "config:retention";

    private static final Logger LOG = Logger.getLogger(TenantHistoryRetention.class);

    private final TenantConfigurations tenants;
    private final CompactRevisions compaction;
    private final TenantRetentions retentions;
    private final Pool pool;
    private final ConfigServiceConfig.Privacy settings;
    private final TenantSweep sweep;

    public TenantHistoryRetention(TenantConfigurations tenants, CompactRevisions compaction,
                                  TenantRetentions retentions, Pool pool, ConfigServiceConfig settings) {
        this.tenants = tenants;
        this.compaction = compaction;
        this.retentions = retentions;
        this.pool = pool;
        this.settings = settings.privacy();
        this.sweep = new TenantSweep(JOB, pool, this.settings);
    }

    /**
     * One run, as the service's jobs trigger it every {@code config.privacy.retention-interval}:
     * never fails (a failure is logged and retried next run).
     */
    public Uni<Void> run() {
        if (!settings.retentionEnabled()) {
            return Uni.createFrom().voidItem();
        }
        return runOnce(Instant.now())
                .invoke(deleted -> {
                    if (deleted > 0) {
                        LOG.infof("tenant history retention deleted %d revisions", deleted);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("tenant history retention failed, retried next run: %s",
                        failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * One pass of the sweep over the tenants with history (at most
     * {@code config.privacy.tenants-per-pass-max}, after where the last pass stopped);
     * returns how many revisions went. Skipped (0) while another replica runs a pass.
     */
    public Uni<Long> runOnce(Instant now) {
        return sweep.runOnce((cursor, limit) -> TenantTransactions.inTenant(pool, TenantScope.platform(),
                                connection -> tenants.tenantsWithHistory(connection, cursor, limit).map(Result::ok))
                        .map(Result::value),
                tenant -> applyTo(tenant, now)).map(TenantSweep.Pass::done);
    }

    /** Applies the tenant's retention; returns how many revisions went. Never fails for one tenant's trouble. */
    public Uni<Long> applyTo(TenantId tenant, Instant now) {
        return retentions.of(tenant)
                .flatMap(periods -> {
                    Optional<Instant> cutoff = periods.flatMap(p -> Stream.of(DataClass.OPERATIONAL, DataClass.PERSONAL)
                            .<Instant>flatMap(dataClass -> p.cutoff(dataClass, now).stream())
                            .max(Instant::compareTo));
                    return cutoff.isEmpty() ? Uni.createFrom().item(0L) : applyBefore(tenant, cutoff.get());
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("retention of tenant %s skipped this run: %s", tenant, failure.toString());
                    return 0L;
                });
    }

    private Uni<Long> applyBefore(TenantId tenant, Instant cutoff) {
        return TenantTransactions.inTenant(pool, TenantScope.of(tenant), connection ->
                        tenants.tryLock(connection, tenant, JOB).flatMap(locked -> !locked
                                ? Uni.createFrom().item(Result.ok(0L))
                                : tenants.newestRevisionBefore(connection, tenant, cutoff).flatMap(upTo -> upTo == 0
                                        ? Uni.createFrom().item(Result.ok(0L))
                                        : tenants.hasSuperseded(connection, tenant, upTo).flatMap(any -> !any
                                                ? Uni.createFrom().item(Result.ok(0L))
                                                : compaction.markAtLeast(connection, upTo, AUTHOR)
                                                        .replaceWith(Result.ok(upTo))))))
                .flatMap(marked -> marked.value() == 0
                        ? Uni.createFrom().item(0L)
                        : deleteBatches(tenant, marked.value(), 0, 0L));
    }

    private Uni<Long> deleteBatches(TenantId tenant, long upTo, int batches, long deletedSoFar) {
        if (batches >= settings.retentionBatchesPerTenantMax()) {
            return Uni.createFrom().item(deletedSoFar);
        }
        return TenantTransactions.inTenant(pool, TenantScope.of(tenant), connection ->
                        tenants.tryLock(connection, tenant, JOB).flatMap(locked -> !locked
                                ? Uni.createFrom().item(Result.ok(0L))
                                : tenants.deleteSuperseded(connection, tenant, upTo, settings.retentionBatchMax())
                                        .map(Result::ok)))
                .flatMap(deleted -> deleted.value() == 0
                        ? Uni.createFrom().item(deletedSoFar)
                        : deleteBatches(tenant, upTo, batches + 1, deletedSoFar + deleted.value()));
    }
}
