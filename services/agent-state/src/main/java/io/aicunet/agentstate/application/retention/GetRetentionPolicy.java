package io.aicunet.agentstate.application.retention;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.port.RetentionPolicies;
import io.aicunet.agentstate.application.retention.RetentionCommands.GetRetentionPolicyQuery;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.RetentionPolicy;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** A tenant's retention policy, or the configured defaults when it has none. */
@ApplicationScoped
public class GetRetentionPolicy {

    public static final String ACTION = "agent-state.retention.read";

    private final AgentStateAccess access;
    private final RetentionPolicies policies;
    private final AgentStateServiceConfig.Retention config;

    public GetRetentionPolicy(AgentStateAccess access, RetentionPolicies policies, AgentStateServiceConfig config) {
        this.access = access;
        this.policies = policies;
        this.config = config.retention();
    }

    public Uni<Result<RetentionPolicy>> execute(Caller caller, GetRetentionPolicyQuery query) {
        Result<TenantId> tenant = RetentionAccess.tenant(caller, query.tenantId());
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        TenantId id = tenant.value();
        return access.authorized(caller, ACTION, Resource.owned(RetentionAccess.RESOURCE_TYPE, id.toString(), id),
                () -> access.transaction(caller.scope(), connection -> policies.find(connection, id)
                        .map(found -> Result.ok(found.orElseGet(() -> new RetentionPolicy(id,
                                config.keepLastDefault(), config.idleThreadTtlSecondsDefault()))))));
    }
}
