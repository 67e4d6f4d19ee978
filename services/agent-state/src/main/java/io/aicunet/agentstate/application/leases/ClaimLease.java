package io.aicunet.agentstate.application.leases;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.leases.LeaseCommands.ClaimLeaseCommand;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.HotState;
import io.aicunet.agentstate.application.port.Leases;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.agentstate.domain.Lease;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Claims an agent's lease for a worker and issues a fencing token larger than every
 * token issued for the agent before.
 *
 * <p>The token comes from the agent's row, locked for the whole claim, and is taken
 * only when the Redis lease was acquired: so tokens follow each other in the order the
 * leases did, and the newest holder always has the largest. A write carrying an older
 * token is refused ({@code STALE_FENCING_TOKEN}). The worker holding the lease may
 * claim it again and gets a new token. Without Redis: UNAVAILABLE, nothing changed.
 */
@ApplicationScoped
public class ClaimLease {

    public static final String ACTION = "agent-state.leases.claim";

    private final AgentStateAccess access;
    private final Leases leases;
    private final AgentStateServiceConfig.Lease config;

    public ClaimLease(AgentStateAccess access, Leases leases, AgentStateServiceConfig config) {
        this.access = access;
        this.leases = leases;
        this.config = config.lease();
    }

    public Uni<Result<Lease>> execute(Caller caller, ClaimLeaseCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(command.agentId(), violations);
        AgentStateRules.checkWorker("worker_id", command.workerId(), violations);
        long ttlMillis = LeaseInputs.ttlMillis(command.ttlMillis(), config, violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        return access.onAgent(caller, tenant.value(), agentId.get(), ACTION, LockMode.UPDATE, (connection, agent) -> {
            if (agent.status().isFinal()) {
                return AgentStateAccess.<Lease>refuse(new Problem.FailedPrecondition("AGENT_FINISHED",
                        "agents/" + agent.id(), "a " + agent.status().wireName() + " agent cannot be leased"));
            }
            long token = agent.leaseToken() + 1;
            Instant claimedAt = Instant.now();
            return leases.acquire(agent.tenant(), agent.id(), command.workerId(), token, Duration.ofMillis(ttlMillis))
                    .flatMap(claim -> {
                        if (claim instanceof Leases.HeldByOther held) {
                            return AgentStateAccess.<Lease>refuse(new Problem.FailedPrecondition("LEASE_HELD",
                                    "agents/" + agent.id(), "worker " + held.worker() + " holds the lease for "
                                            + held.remainingMillis() + " ms more"));
                        }
                        return access.agents().recordLease(connection, agent.id(), token, command.workerId())
                                .map(ignored -> Result.ok(new Lease(agent.id(), command.workerId(), token,
                                        claimedAt.plusMillis(ttlMillis))));
                    });
        }).onFailure(HotState.UnavailableException.class).recoverWithItem(failure ->
                Result.failed(LeaseInputs.unavailable()));
    }
}
