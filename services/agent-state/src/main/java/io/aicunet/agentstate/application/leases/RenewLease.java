package io.aicunet.agentstate.application.leases;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.leases.LeaseCommands.RenewLeaseCommand;
import io.aicunet.agentstate.application.port.HotState;
import io.aicunet.agentstate.application.port.Leases;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.agentstate.domain.Lease;
import io.aicunet.platform.policy.Resource;
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

/** Extends a lease its worker still holds with this token; an expired or taken-over lease must be claimed again. */
@ApplicationScoped
public class RenewLease {

    public static final String ACTION = "agent-state.leases.claim";

    private final AgentStateAccess access;
    private final Leases leases;
    private final AgentStateServiceConfig.Lease config;

    public RenewLease(AgentStateAccess access, Leases leases, AgentStateServiceConfig config) {
        this.access = access;
        this.leases = leases;
        this.config = config.lease();
    }

    public Uni<Result<Lease>> execute(Caller caller, RenewLeaseCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(command.agentId(), violations);
        AgentStateRules.checkWorker("worker_id", command.workerId(), violations);
        LeaseInputs.checkToken(command.fencingToken(), violations);
        long ttlMillis = LeaseInputs.ttlMillis(command.ttlMillis(), config, violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        Resource resource = Resource.owned(AgentStateAccess.AGENT, agentId.get().toString(), tenant.value());
        return access.authorized(caller, ACTION, resource, () -> {
            Instant renewedAt = Instant.now();
            return leases.renew(tenant.value(), agentId.get(), command.workerId(), command.fencingToken(),
                            Duration.ofMillis(ttlMillis))
                    .map(renewed -> renewed
                            ? Result.ok(new Lease(agentId.get(), command.workerId(), command.fencingToken(),
                                    renewedAt.plusMillis(ttlMillis)))
                            : Result.<Lease>failed(LeaseInputs.lost(command.agentId())));
        }).onFailure(HotState.UnavailableException.class).recoverWithItem(failure ->
                Result.failed(LeaseInputs.unavailable()));
    }
}
