package io.aicunet.agentstate.application.privacy;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.port.CacheRepairs;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.application.port.HotState;
import io.aicunet.agentstate.application.port.IdempotencyKeys;
import io.aicunet.agentstate.application.port.RetentionPolicies;
import io.aicunet.agentstate.application.port.TenantKeys;
import io.aicunet.agentstate.application.privacy.PrivacyCommands.EraseTenantDataCommand;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Deletes everything the service holds for a tenant (erasure): checkpoints, threads,
 * agents, its retention policy, idempotency keys and cache repairs in PostgreSQL,
 * then every Redis key of the tenant (cache, heartbeats, leases, queues). Each step is
 * a bounded batch in its own transaction, scoped to that tenant by row-level security
 * as well; one call runs a bounded number of them and says whether it finished, so
 * the caller repeats until {@code complete}. Repeating is always safe. A privacy
 * request's tenant erasure uses the same steps without a per-call budget
 * ({@link #eraseDatabase}, {@link #eraseRedisKeys}).
 */
@ApplicationScoped
public class EraseTenantData {

    public static final String ACTION = "agent-state.tenants.erase";

    /** What one call did: rows deleted, and whether nothing is left. */
    public record Erasure(long rowsDeleted, boolean complete) {
    }

    private final AgentStateAccess access;
    private final Checkpoints checkpoints;
    private final RetentionPolicies policies;
    private final IdempotencyKeys keys;
    private final CacheRepairs repairs;
    private final TenantKeys tenantKeys;
    private final AgentStateServiceConfig.Erasure config;

    public EraseTenantData(AgentStateAccess access, Checkpoints checkpoints, RetentionPolicies policies,
                           IdempotencyKeys keys, CacheRepairs repairs, TenantKeys tenantKeys,
                           AgentStateServiceConfig config) {
        this.access = access;
        this.checkpoints = checkpoints;
        this.policies = policies;
        this.keys = keys;
        this.repairs = repairs;
        this.tenantKeys = tenantKeys;
        this.config = config.erasure();
    }

    public Uni<Result<Erasure>> execute(Caller caller, EraseTenantDataCommand command) {
        Optional<TenantId> tenant = TenantId.parse(command.tenantId());
        if (tenant.isEmpty()) {
            return AgentStateAccess.refuse(Problem.InvalidArgument.of("tenant_id", "must be a UUID"));
        }
        TenantId id = tenant.get();
        return access.authorized(caller, ACTION, Resource.owned("tenant", id.toString(), id),
                        () -> erase(id, 0, 0L).map(Result::ok))
                .onFailure(HotState.UnavailableException.class).recoverWithItem(failure -> Result.failed(
                        new Problem.Unavailable("erasing the tenant's Redis keys needs Redis, which does not answer;"
                                + " what was deleted stays deleted, retry to finish")));
    }

    /**
     * Deletes every row of the tenant, a bounded batch per transaction, until none is
     * left; the rows deleted per table. Repeating finds nothing.
     */
    public Uni<Map<String, Long>> eraseDatabase(TenantId tenant) {
        return eraseAll(tenant, new TreeMap<>());
    }

    /** Deletes every Redis key of the tenant, a SCAN step at a time; how many it deleted. */
    public Uni<Long> eraseRedisKeys(TenantId tenant) {
        return eraseKeys(tenant, "0", 0, Integer.MAX_VALUE, 0L).map(Keys::deleted);
    }

    private Uni<Map<String, Long>> eraseAll(TenantId tenant, Map<String, Long> deleted) {
        return deleteBatchAlone(tenant).flatMap(batch -> {
            if (batch.rows() == 0) {
                return Uni.createFrom().item(deleted);
            }
            deleted.merge(batch.table(), (long) batch.rows(), Long::sum);
            return eraseAll(tenant, deleted);
        });
    }

    private Uni<Erasure> erase(TenantId tenant, int batches, long deleted) {
        if (batches >= config.batchesPerCallMax()) {
            return Uni.createFrom().item(new Erasure(deleted, false));
        }
        return deleteBatchAlone(tenant)
                .flatMap(batch -> batch.rows() > 0
                        ? erase(tenant, batches + 1, deleted + batch.rows())
                        : eraseKeys(tenant, "0", batches, config.batchesPerCallMax(), 0L)
                                .map(keys -> new Erasure(deleted, keys.complete())));
    }

    /** One batch in a transaction of its own, scoped to the tenant. */
    private Uni<Batch> deleteBatchAlone(TenantId tenant) {
        return access.transaction(TenantScope.of(tenant), connection -> deleteBatch(connection, tenant)
                        .map(Result::ok))
                .map(Result::value);
    }

    /** What one batch deleted: rows of one table (0 rows: nothing is left). */
    private record Batch(String table, int rows) {
    }

    /** One table at a time, children first. */
    private Uni<Batch> deleteBatch(SqlConnection connection, TenantId tenant) {
        int limit = config.batchMax();
        return checkpoints.deleteOlderOfTenant(connection, tenant, limit).flatMap(rows -> rows > 0
                ? Uni.createFrom().item(new Batch("checkpoints", rows))
                : checkpoints.lockThreadsOfTenant(connection, tenant, limit).flatMap(threads -> !threads.isEmpty()
                        // A thread goes with its latest checkpoint; counted as threads.
                        ? checkpoints.deleteThreads(connection, threads).map(n -> new Batch("threads", n))
                        : access.agents().deleteOfTenant(connection, tenant, limit).flatMap(agents -> agents > 0
                                ? Uni.createFrom().item(new Batch("agents", agents))
                                : keys.deleteOfTenant(connection, tenant, limit).flatMap(keyRows -> keyRows > 0
                                        ? Uni.createFrom().item(new Batch("idempotency_keys", keyRows))
                                        : repairs.deleteOfTenant(connection, tenant, limit).flatMap(repairRows ->
                                                repairRows > 0
                                                        ? Uni.createFrom().item(new Batch("cache_repairs", repairRows))
                                                        : policies.deleteOfTenant(connection, tenant).map(policyRows ->
                                                                new Batch("retention_policies", policyRows)))))));
    }

    /** How far a key scan got: whether it finished, and how many keys it deleted. */
    private record Keys(boolean complete, long deleted) {
    }

    /** SCAN steps over the tenant's keys, at most {@code stepsMax} in all. */
    private Uni<Keys> eraseKeys(TenantId tenant, String cursor, int steps, int stepsMax, long deleted) {
        if (steps >= stepsMax) {
            return Uni.createFrom().item(new Keys(false, deleted));
        }
        return tenantKeys.deleteStep(tenant, cursor).flatMap(step -> "0".equals(step.next())
                ? Uni.createFrom().item(new Keys(true, deleted + step.deleted()))
                : eraseKeys(tenant, step.next(), steps + 1, stepsMax, deleted + step.deleted()));
    }
}
