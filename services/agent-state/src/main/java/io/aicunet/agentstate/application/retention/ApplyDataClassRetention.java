package io.aicunet.agentstate.application.retention;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.checkpoints.CheckpointCaching;
import io.aicunet.agentstate.application.port.CheckpointCache;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.outbox.TenantSweep;
import io.aicunet.platform.privacy.DataClass;
import io.aicunet.platform.privacy.TenantRetentions.Periods;
import io.aicunet.platform.privacy.TenantRetentions;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Applies each tenant's retention periods per data class (set on the tenant service) to
 * what this service stores, besides the tenant's own checkpoint policy
 * ({@link ApplyRetention}: keep-last and idle-thread TTL), whichever deletes first:
 *
 * <ul>
 *   <li>OPERATIONAL: a thread's history, every checkpoint but its latest, older than the
 *       period (and never longer than the PERSONAL period: states hold personal data);</li>
 *   <li>PERSONAL: whole threads whose latest checkpoint is older than the period (the
 *       state in them is the personal data), and agents that reached a final status
 *       (failed, completed, terminated) longer ago and have no thread left.</li>
 * </ul>
 *
 * <p>A tenant the tenant service does not know (or has erased) is left alone: its data
 * is the erasure's. Safe with any number of replicas: every batch locks the threads or
 * agents it deletes with FOR UPDATE SKIP LOCKED, in a transaction scoped to the tenant; a
 * thread's latest checkpoint goes only with the thread (a trigger enforces it).
 */
@ApplicationScoped
public class ApplyDataClassRetention {

    private static final Logger LOG = Logger.getLogger(ApplyDataClassRetention.class);

    /** What a pass deleted. */
    public record Pass(int tenants, int checkpointsDeleted, int threadsDeleted, int agentsDeleted) {

        static final Pass NOTHING = new Pass(0, 0, 0, 0);

        Pass plus(Pass other) {
            return new Pass(tenants + other.tenants, checkpointsDeleted + other.checkpointsDeleted,
                    threadsDeleted + other.threadsDeleted, agentsDeleted + other.agentsDeleted);
        }

        long rowsDeleted() {
            return (long) checkpointsDeleted + threadsDeleted + agentsDeleted;
        }

        boolean deletedAnything() {
            return rowsDeleted() > 0;
        }
    }

    private final AgentStateAccess access;
    private final Checkpoints checkpoints;
    private final CheckpointCaching caching;
    private final TenantRetentions retentions;
    private final AgentStateServiceConfig.Retention config;
    private final TenantSweep sweep;

    public ApplyDataClassRetention(AgentStateAccess access, Checkpoints checkpoints, CheckpointCaching caching,
                                   TenantRetentions retentions, AgentStateServiceConfig config) {
        this.access = access;
        this.checkpoints = checkpoints;
        this.caching = caching;
        this.retentions = retentions;
        this.config = config.retention();
        this.sweep = new TenantSweep("retention.data-class", access.pool(), this.config);
    }

    /**
     * Up to {@code tenants-per-pass-max} tenants that have agents, after where the last
     * pass stopped on any replica (the fleet's tenant sweep: one replica at a time); its
     * {@code done} counts the rows deleted.
     */
    public Uni<TenantSweep.Pass> runOnce() {
        return sweep.runOnce((after, limit) -> access.transaction(TenantScope.platform(), connection -> access
                                .agents().tenantsAfter(connection, after, limit).map(Result::ok))
                        .map(Result::value),
                tenant -> applyTo(tenant, Instant.now()).map(Pass::rowsDeleted));
    }

    /** The tenant's periods applied as of {@code now}, in bounded batches. */
    public Uni<Pass> applyTo(TenantId tenant, Instant now) {
        return retentions.of(tenant)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("no retention periods for tenant %s, skipped this pass: %s", tenant, failure.toString());
                    return Optional.empty();
                })
                .flatMap(periods -> periods.isEmpty()
                        ? Uni.createFrom().item(Pass.NOTHING)
                        : batches(tenant, cutoffs(periods.get(), now), 0, new Pass(1, 0, 0, 0)));
    }

    /** When data of each kind is due: the history cutoff is the later of the OPERATIONAL and PERSONAL ones. */
    private static Cutoffs cutoffs(Periods periods, Instant now) {
        Optional<Instant> personal = periods.cutoff(DataClass.PERSONAL, now);
        Optional<Instant> operational = periods.cutoff(DataClass.OPERATIONAL, now);
        Optional<Instant> history = operational.isEmpty() ? personal
                : personal.isEmpty() ? operational
                : Optional.of(operational.get().isAfter(personal.get()) ? operational.get() : personal.get());
        return new Cutoffs(personal, history);
    }

    private record Cutoffs(Optional<Instant> personal, Optional<Instant> history) {
    }

    private Uni<Pass> batches(TenantId tenant, Cutoffs cutoffs, int done, Pass total) {
        if (done >= config.passBatchesMax()) {
            return Uni.createFrom().item(total);
        }
        return access.transaction(TenantScope.of(tenant), connection -> batch(connection, tenant, cutoffs)
                        .map(Result::ok))
                .map(Result::value)
                .flatMap(pass -> pass.deletedAnything()
                        ? batches(tenant, cutoffs, done + 1, total.plus(pass))
                        : Uni.createFrom().item(total));
    }

    private Uni<Pass> batch(SqlConnection connection, TenantId tenant, Cutoffs cutoffs) {
        Uni<Integer> threads = cutoffs.personal().isEmpty() ? Uni.createFrom().item(0)
                : checkpoints.lockThreadsIdleSince(connection, tenant, cutoffs.personal().get(),
                        config.threadsBatchMax()).flatMap(idle -> deleteThreads(connection, tenant, idle));
        return threads.flatMap(threadRows -> (cutoffs.history().isEmpty() ? Uni.createFrom().item(0)
                        : checkpoints.deleteHistoryOlderThan(connection, tenant, cutoffs.history().get(),
                                config.checkpointsBatchMax()))
                .flatMap(checkpointRows -> (cutoffs.personal().isEmpty() ? Uni.createFrom().item(0)
                        : access.agents().deleteFinishedBefore(connection, tenant, cutoffs.personal().get(),
                                config.threadsBatchMax()))
                        .map(agentRows -> new Pass(0, checkpointRows, threadRows, agentRows))));
    }

    /** Fences the threads' cache entries off for good, so no reader puts them back, then deletes them. */
    private Uni<Integer> deleteThreads(SqlConnection connection, TenantId tenant, List<ThreadId> threads) {
        if (threads.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Multi.createFrom().iterable(threads)
                .onItem().transformToUniAndConcatenate(thread -> caching.fence(connection, tenant, thread,
                        CheckpointCache.TOMBSTONE_VERSION))
                .collect().last()
                .flatMap(ignored -> checkpoints.deleteThreads(connection, threads));
    }
}
