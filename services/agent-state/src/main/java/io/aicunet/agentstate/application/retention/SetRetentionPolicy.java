package io.aicunet.agentstate.application.retention;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.port.RetentionPolicies;
import io.aicunet.agentstate.application.retention.RetentionCommands.SetRetentionPolicyCommand;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.RetentionPolicy;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sets how many checkpoints per thread a tenant keeps and how long idle threads live. */
@ApplicationScoped
public class SetRetentionPolicy {

    public static final String ACTION = "agent-state.retention.write";

    /** Ten years: longer than any retention the platform offers. */
    static final long IDLE_THREAD_TTL_SECONDS_MAX = 10L * 366 * 24 * 3600;

    private final AgentStateAccess access;
    private final RetentionPolicies policies;
    private final AgentStateServiceConfig.Retention config;

    public SetRetentionPolicy(AgentStateAccess access, RetentionPolicies policies, AgentStateServiceConfig config) {
        this.access = access;
        this.policies = policies;
        this.config = config.retention();
    }

    public Uni<Result<RetentionPolicy>> execute(Caller caller, SetRetentionPolicyCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        if (command.keepLastCheckpoints() < 1 || command.keepLastCheckpoints() > config.keepLastMax()) {
            violations.add(new FieldViolation("keep_last_checkpoints", "must be 1 to " + config.keepLastMax()
                    + ": a thread always keeps its latest checkpoint"));
        }
        if (command.idleThreadTtlSeconds() < 0 || command.idleThreadTtlSeconds() > IDLE_THREAD_TTL_SECONDS_MAX) {
            violations.add(new FieldViolation("idle_thread_ttl_seconds", "must be 0 (keep idle threads) to "
                    + IDLE_THREAD_TTL_SECONDS_MAX));
        }
        Result<TenantId> tenant = RetentionAccess.tenant(caller, command.tenantId());
        if (!tenant.isOk()) {
            if (tenant.problem() instanceof Problem.InvalidArgument invalid) {
                violations.addAll(invalid.violations());
            } else {
                return AgentStateAccess.refuse(tenant.problem());
            }
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        TenantId id = tenant.value();
        RetentionPolicy policy = new RetentionPolicy(id, command.keepLastCheckpoints(), command.idleThreadTtlSeconds());
        return access.authorized(caller, ACTION, Resource.owned(RetentionAccess.RESOURCE_TYPE, id.toString(), id),
                () -> access.transaction(caller.scope(), connection -> policies.upsert(connection, policy,
                        Instant.now()).map(ignored -> Result.ok(policy))));
    }
}
