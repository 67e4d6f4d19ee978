package io.aicunet.agentstate.application.leases;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.leases.LeaseCommands.ReleaseLeaseCommand;
import io.aicunet.agentstate.application.port.HotState;
import io.aicunet.agentstate.application.port.Leases;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.platform.policy.Resource;
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

/**
 * Ends a lease early so another worker may claim it at once. Releasing a lease the
 * worker no longer holds (expired, or claimed by another) changes nothing and is not
 * an error, so a retried release succeeds.
 */
@ApplicationScoped
public class ReleaseLease {

    public static final String ACTION = "agent-state.leases.claim";

    private final AgentStateAccess access;
    private final Leases leases;

    public ReleaseLease(AgentStateAccess access, Leases leases) {
        this.access = access;
        this.leases = leases;
    }

    /** Whether this call ended the lease (false: it was no longer held with this token). */
    public Uni<Result<Boolean>> execute(Caller caller, ReleaseLeaseCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(command.agentId(), violations);
        AgentStateRules.checkWorker("worker_id", command.workerId(), violations);
        LeaseInputs.checkToken(command.fencingToken(), violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        Resource resource = Resource.owned(AgentStateAccess.AGENT, agentId.get().toString(), tenant.value());
        return access.authorized(caller, ACTION, resource, () -> leases.release(tenant.value(), agentId.get(),
                        command.workerId(), command.fencingToken()).map(Result::ok))
                .onFailure(HotState.UnavailableException.class).recoverWithItem(failure ->
                        Result.failed(LeaseInputs.unavailable()));
    }
}
