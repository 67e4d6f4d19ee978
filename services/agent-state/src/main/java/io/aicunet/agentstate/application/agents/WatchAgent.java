package io.aicunet.agentstate.application.agents;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.agents.AgentCommands.WatchAgentQuery;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.StatusChanges;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.StatusChange;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An agent's status, then every change of it as it commits, until the watcher cancels
 * or the agent reaches a final status. Changes arrive in version order without
 * repeats; when the listening connection had to be re-established, the agent is read
 * again so that the watcher at least learns its newest status.
 */
@ApplicationScoped
public class WatchAgent {

    public static final String ACTION = "agent-state.agents.read";

    private final AgentStateAccess access;
    private final StatusChanges statusChanges;

    public WatchAgent(AgentStateAccess access, StatusChanges statusChanges) {
        this.access = access;
        this.statusChanges = statusChanges;
    }

    public Uni<Result<Multi<StatusChange>>> execute(Caller caller, WatchAgentQuery query) {
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
                        (connection, agent) -> Uni.createFrom().item(Result.ok(agent)))
                .map(found -> found.map(agent -> changes(tenant.value(), agent.id())));
    }

    private Multi<StatusChange> changes(TenantId tenant, AgentId agentId) {
        return Multi.createFrom().emitter(emitter -> {
            Watch watch = new Watch(emitter);
            Runnable reread = () -> current(tenant, agentId).subscribe().with(
                    agent -> agent.ifPresentOrElse(a -> watch.offer(StatusChange.current(a)), emitter::complete),
                    emitter::fail);
            StatusChanges.Subscription subscription = statusChanges.subscribe(agentId, change -> {
                if (change.tenant().equals(tenant)) {
                    watch.offer(change);
                }
            }, reread);
            emitter.onTermination(subscription::close);
            reread.run();
        });
    }

    private Uni<Optional<Agent>> current(TenantId tenant, AgentId agentId) {
        return access.transaction(TenantScope.of(tenant), connection -> access.agents()
                        .find(connection, agentId, LockMode.NONE)
                        .map(Result::ok))
                .map(Result::value);
    }

    /** Emits changes newer than the last one emitted, and ends after a final status. */
    private static final class Watch {

        private final MultiEmitter<? super StatusChange> emitter;
        private long lastVersion;

        Watch(MultiEmitter<? super StatusChange> emitter) {
            this.emitter = emitter;
        }

        synchronized void offer(StatusChange change) {
            if (change.version() <= lastVersion || emitter.isCancelled()) {
                return;
            }
            lastVersion = change.version();
            emitter.emit(change);
            if (change.status().isFinal()) {
                emitter.complete();
            }
        }
    }
}
