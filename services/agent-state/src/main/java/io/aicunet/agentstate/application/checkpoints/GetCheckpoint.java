package io.aicunet.agentstate.application.checkpoints;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.GetCheckpointQuery;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.Checkpoint;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Loads one checkpoint of an agent's thread by id, from PostgreSQL, and decrypts its state. */
@ApplicationScoped
public class GetCheckpoint {

    public static final String ACTION = "agent-state.checkpoints.read";

    private final AgentStateAccess access;
    private final Checkpoints checkpoints;
    private final TenantCipher cipher;

    public GetCheckpoint(AgentStateAccess access, Checkpoints checkpoints, TenantCipher cipher) {
        this.access = access;
        this.checkpoints = checkpoints;
        this.cipher = cipher;
    }

    public Uni<Result<Checkpoint>> execute(Caller caller, GetCheckpointQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(query.agentId(), violations);
        Optional<ThreadId> threadId = AgentInputs.threadId("thread_id", query.threadId(), violations);
        Optional<CheckpointId> checkpointId = AgentInputs.checkpointId(query.checkpointId(), violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        return access.inTenant(caller, tenant.value(), ACTION, AgentStateAccess.THREAD, threadId.get().toString(),
                        connection -> checkpoints.find(connection, checkpointId.get()).map(found -> found
                                .filter(c -> c.summary().agentId().equals(agentId.get())
                                        && c.summary().threadId().equals(threadId.get()))
                                .<Result<StoredCheckpoint>>map(Result::ok)
                                .orElseGet(() -> Result.failed(new Problem.NotFound(AgentStateAccess.CHECKPOINT,
                                        checkpointId.get().toString())))))
                .flatMap(result -> result.isOk()
                        ? cipher.open(result.value())
                        : Uni.createFrom().item(Result.<Checkpoint>failed(result.problem())));
    }
}
