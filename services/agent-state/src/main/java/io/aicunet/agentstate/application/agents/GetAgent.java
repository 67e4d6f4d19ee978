package io.aicunet.agentstate.application.agents;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.agents.AgentCommands.GetAgentQuery;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
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

/** Reads one agent. Another tenant's agent is NOT_FOUND, as if it did not exist. */
@ApplicationScoped
public class GetAgent {

    public static final String ACTION = "agent-state.agents.read";

    private final AgentStateAccess access;

    public GetAgent(AgentStateAccess access) {
        this.access = access;
    }

    public Uni<Result<Agent>> execute(Caller caller, GetAgentQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(query.agentId(), violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        return access.onAgent(caller, tenant.value(), agentId.get(), ACTION, LockMode.NONE,
                (connection, agent) -> Uni.createFrom().item(Result.ok(agent)));
    }
}
