package io.aicunet.agentstate.application.checkpoints;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.GetLatestCheckpointQuery;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.Checkpoint;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads a thread's latest checkpoint: from the Redis cache when it holds the latest
 * version (see {@link CheckpointCaching}), else from PostgreSQL, caching what it read.
 * Both hold the state sealed; it is decrypted here with the tenant's cached data key,
 * so a cached read makes no network call but the one to Redis.
 */
@ApplicationScoped
public class GetLatestCheckpoint {

    public static final String ACTION = "agent-state.checkpoints.read";

    private final AgentStateAccess access;
    private final Checkpoints checkpoints;
    private final CheckpointCaching caching;
    private final TenantCipher cipher;

    public GetLatestCheckpoint(AgentStateAccess access, Checkpoints checkpoints, CheckpointCaching caching,
                               TenantCipher cipher) {
        this.access = access;
        this.checkpoints = checkpoints;
        this.caching = caching;
        this.cipher = cipher;
    }

    public Uni<Result<Checkpoint>> execute(Caller caller, GetLatestCheckpointQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(query.agentId(), violations);
        Optional<ThreadId> threadId = AgentInputs.threadId("thread_id", query.threadId(), violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        Resource resource = Resource.owned(AgentStateAccess.THREAD, threadId.get().toString(), tenant.value());
        return access.authorized(caller, ACTION, resource, () -> caching.read(tenant.value(), threadId.get())
                .flatMap(cached -> cached.isPresent() && cached.get().summary().agentId().equals(agentId.get())
                        ? cipher.open(cached.get())
                        : fromDatabase(tenant.value(), agentId.get(), threadId.get())));
    }

    private Uni<Result<Checkpoint>> fromDatabase(TenantId tenant, AgentId agentId, ThreadId threadId) {
        return access.transaction(TenantScope.of(tenant), connection -> checkpoints
                        .findLatest(connection, agentId, threadId)
                        .flatMap(latest -> latest.isPresent()
                                ? Uni.createFrom().item(Result.ok(latest.get()))
                                : access.withAgent(connection, agentId, LockMode.NONE, agent ->
                                        AgentStateAccess.<StoredCheckpoint>refuse(new Problem.NotFound(
                                                AgentStateAccess.THREAD, threadId.toString())))))
                .call(result -> result.isOk() ? caching.populate(result.value()) : Uni.createFrom().voidItem())
                .flatMap(result -> result.isOk()
                        ? cipher.open(result.value())
                        : Uni.createFrom().item(Result.<Checkpoint>failed(result.problem())));
    }
}
