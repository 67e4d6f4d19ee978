package io.aicunet.agentstate.application;

import io.aicunet.agentstate.application.AgentStateCommands.EraseTenantDataCommand;
import io.aicunet.agentstate.config.AgentStateConfig;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Deletes everything the service holds for a tenant (erasure): checkpoints, threads,
 * agents, its retention policy, idempotency keys and cache repairs in PostgreSQL,
 * then every Redis key of the tenant (cache, heartbeats, leases, queues). Each step is
 * a bounded batch in its own transaction, scoped to that tenant by row-level security
 * as well; one call runs a bounded number of them and says whether it finished, so
 * the caller repeats until {@code complete}. Repeating is always safe.
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
    private final AgentStateConfig.Erasure config;

    public EraseTenantData(AgentStateAccess access, Checkpoints checkpoints, RetentionPolicies policies,
                           IdempotencyKeys keys, CacheRepairs repairs, TenantKeys tenantKeys,
                           AgentStateConfig config) {
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
                .onFailure(HotStateUnavailableException.class).recoverWithItem(failure -> Result.failed(
                        new Problem.Unavailable("erasing the tenant's Redis keys needs Redis, which does not answer;"
                                + " what was deleted stays deleted, retry to finish")));
    }

    private Uni<Erasure> erase(TenantId tenant, int batches, long deleted) {
        if (batches >= config.batchesPerCallMax()) {
            return Uni.createFrom().item(new Erasure(deleted, false));
        }
        return access.transaction(TenantScope.of(tenant), connection -> deleteBatch(connection, tenant)
                        .map(Result::ok))
                .map(Result::value)
                .flatMap(rows -> rows > 0
                        ? erase(tenant, batches + 1, deleted + rows)
                        : eraseKeys(tenant, "0", batches).map(done -> new Erasure(deleted, done)));
    }

    /** One table at a time, children first; the number of rows deleted (0: nothing is left). */
    private Uni<Integer> deleteBatch(SqlConnection connection, TenantId tenant) {
        int limit = config.batchMax();
        return checkpoints.deleteOlderOfTenant(connection, tenant, limit).flatMap(rows -> rows > 0
                ? Uni.createFrom().item(rows)
                : checkpoints.lockThreadsOfTenant(connection, tenant, limit).flatMap(threads -> !threads.isEmpty()
                        ? checkpoints.deleteThreads(connection, threads)
                        : access.agents().deleteOfTenant(connection, tenant, limit).flatMap(agents -> agents > 0
                                ? Uni.createFrom().item(agents)
                                : keys.deleteOfTenant(connection, tenant, limit).flatMap(keyRows -> keyRows > 0
                                        ? Uni.createFrom().item(keyRows)
                                        : repairs.deleteOfTenant(connection, tenant, limit)
                                                .flatMap(repairRows -> policies.deleteOfTenant(connection, tenant)
                                                        .map(policyRows -> repairRows + policyRows))))));
    }

    /** SCAN steps over the tenant's keys; true when the scan finished within this call's budget. */
    private Uni<Boolean> eraseKeys(TenantId tenant, String cursor, int steps) {
        if (steps >= config.batchesPerCallMax()) {
            return Uni.createFrom().item(false);
        }
        return tenantKeys.deleteStep(tenant, cursor).flatMap(next -> "0".equals(next)
                ? Uni.createFrom().item(true)
                : eraseKeys(tenant, next, steps + 1));
    }
}
