package io.aicunet.agentstate.application.retention;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import java.util.Optional;

/** Which tenant a retention or erasure call is about: the one it names, else the caller's own. */
final class RetentionAccess {

    static final String RESOURCE_TYPE = "retention-policy";

    private RetentionAccess() {
    }

    static Result<TenantId> tenant(Caller caller, String named) {
        if (named == null || named.isEmpty()) {
            if (caller.scope() instanceof TenantScope.SingleTenant single) {
                return Result.ok(single.tenant());
            }
            return Result.failed(Problem.InvalidArgument.of("tenant_id", "is required at platform scope"));
        }
        Optional<TenantId> tenant = TenantId.parse(named);
        return tenant.<Result<TenantId>>map(Result::ok)
                .orElseGet(() -> Result.failed(Problem.InvalidArgument.of("tenant_id", "must be a UUID")));
    }
}
