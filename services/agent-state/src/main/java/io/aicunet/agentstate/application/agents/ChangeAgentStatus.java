package io.aicunet.agentstate.application.agents;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.agents.AgentCommands.ChangeAgentStatusCommand;
import io.aicunet.agentstate.application.contract.AgentStateEvents;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.StatusChanges;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.agentstate.domain.AgentStatus;
import io.aicunet.agentstate.domain.StatusChange;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Moves an agent to another status if the state machine allows it, optionally only at
 * an expected version and only for the holder of the newest lease token. Announces
 * AgentStatusChanged and tells watchers, both only if the change commits.
 */
@ApplicationScoped
public class ChangeAgentStatus {

    public static final String ACTION = "agent-state.agents.change-status";

    private final AgentStateAccess access;
    private final StatusChanges statusChanges;

    public ChangeAgentStatus(AgentStateAccess access, StatusChanges statusChanges) {
        this.access = access;
        this.statusChanges = statusChanges;
    }

    public Uni<Result<Agent>> execute(Caller caller, ChangeAgentStatusCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(command.agentId(), violations);
        Optional<AgentStatus> target = AgentStatus.fromWireName(command.status());
        if (target.isEmpty() || target.get() == AgentStatus.LOST) {
            violations.add(new FieldViolation("status", "must be one of " + Arrays.stream(AgentStatus.values())
                    .filter(s -> s != AgentStatus.LOST).map(AgentStatus::wireName).toList()
                    + " (only the service marks an agent lost)"));
        }
        if (command.expectedVersion().isPresent() && command.expectedVersion().getAsLong() < 1) {
            violations.add(new FieldViolation("expected_version", "must be 1 or more"));
        }
        AgentStateRules.checkFencingToken(command.fencingToken(), violations);
        AgentStateRules.checkReason(command.reason(), violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        String reason = command.reason() == null ? "" : command.reason().trim();
        return access.onAgent(caller, tenant.value(), agentId.get(), ACTION, LockMode.UPDATE, (connection, agent) -> {
            if (command.expectedVersion().isPresent() && command.expectedVersion().getAsLong() != agent.version()) {
                return AgentStateAccess.refuse(new Problem.Conflict("VERSION_CONFLICT", "agent " + agent.id()
                        + " is at version " + agent.version() + ", not " + command.expectedVersion().getAsLong()));
            }
            Optional<Problem> stale = agent.checkFencingToken(command.fencingToken());
            if (stale.isPresent()) {
                return AgentStateAccess.refuse(stale.get());
            }
            Result<Agent> moved = agent.moveTo(target.get(), Instant.now().truncatedTo(ChronoUnit.MICROS));
            if (!moved.isOk()) {
                return Uni.createFrom().item(moved);
            }
            Agent changed = moved.value();
            StatusChange change = new StatusChange(changed.tenant(), changed.id(), Optional.of(agent.status()),
                    changed.status(), changed.version(), changed.statusChangedAt());
            return access.agents().updateStatus(connection, changed)
                    .flatMap(ignored -> access.announce(connection, changed.tenant(), changed.id(),
                            AgentStateEvents.statusChanged(agent, changed, reason)))
                    .flatMap(ignored -> statusChanges.publish(connection, change))
                    .map(ignored -> Result.ok(changed));
        });
    }
}
