package io.aicunet.agentstate.application.agents;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.agents.AgentCommands.HeartbeatCommand;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.Heartbeats;
import io.aicunet.agentstate.application.port.HotState;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records that an agent is alive: its heartbeat key in Redis lives for the lost-after
 * interval. Usually one Redis command; the first heartbeat after silence also checks
 * in PostgreSQL that the agent exists and is not finished, and marks it as one whose
 * silence counts. Without Redis: UNAVAILABLE.
 */
@ApplicationScoped
public class RecordHeartbeat {

    public static final String ACTION = "agent-state.agents.heartbeat";

    private final AgentStateAccess access;
    private final Heartbeats heartbeats;
    private final Duration lostAfter;

    public RecordHeartbeat(AgentStateAccess access, Heartbeats heartbeats, AgentStateServiceConfig config) {
        this.access = access;
        this.heartbeats = heartbeats;
        this.lostAfter = Duration.ofMillis(config.heartbeat().lostAfterMillis());
    }

    /** The lost-after interval the agent must heartbeat within. */
    public Uni<Result<Duration>> execute(Caller caller, HeartbeatCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(command.agentId(), violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        Resource resource = Resource.owned(AgentStateAccess.AGENT, agentId.get().toString(), tenant.value());
        return access.authorized(caller, ACTION, resource, () -> heartbeats.extend(tenant.value(), agentId.get(),
                        lostAfter)
                .flatMap(extended -> extended
                        ? Uni.createFrom().item(Result.ok(lostAfter))
                        : firstBeat(tenant.value(), agentId.get())))
                .onFailure(HotState.UnavailableException.class)
                .recoverWithItem(failure -> Result.failed(new Problem.Unavailable(
                        "heartbeats need Redis, which does not answer; retry")));
    }

    private Uni<Result<Duration>> firstBeat(TenantId tenant, AgentId agentId) {
        return access.transaction(TenantScope.of(tenant), connection -> access.withAgent(connection, agentId,
                LockMode.NONE, agent -> {
                    if (agent.status().isFinal()) {
                        return AgentStateAccess.<Duration>refuse(new Problem.FailedPrecondition("AGENT_FINISHED",
                                "agents/" + agentId, "a " + agent.status().wireName() + " agent does not heartbeat"));
                    }
                    return access.agents().markHeartbeatMonitored(connection, agentId)
                            .map(ignored -> Result.ok(lostAfter));
                })).call(result -> result.isOk()
                ? heartbeats.start(tenant, agentId, lostAfter)
                : Uni.createFrom().voidItem());
    }
}
