package io.aicunet.tenant.application.privacy;

import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.application.port.PrivacyRequests;
import io.aicunet.tenant.domain.PrivacyRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Progress and result of a privacy request: per service, what was exported or removed and when. */
@ApplicationScoped
public class GetPrivacyRequest {

    public static final String ACTION = "tenant.privacy-requests.read";

    private final TenantAccess access;
    private final PrivacyRequests requests;

    public GetPrivacyRequest(TenantAccess access, PrivacyRequests requests) {
        this.access = access;
        this.requests = requests;
    }

    public Uni<Result<PrivacyRequest>> execute(Caller caller, String requestId) {
        UUID id;
        try {
            id = UUID.fromString(String.valueOf(requestId));
        } catch (IllegalArgumentException notUuid) {
            return Uni.createFrom().item(Result.failed(Problem.InvalidArgument.of("request_id", "must be a UUID")));
        }
        // Row-level security hides other tenants' requests; the policy then decides on the one found.
        return access.inCallerScope(caller, connection -> requests.find(connection, id, false).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Result.failed(new Problem.NotFound("privacy request", requestId)));
            }
            PrivacyRequest request = found.get();
            return access.authorize(caller, ACTION, Resource.owned("privacy-request", requestId, request.tenant()))
                    .map(refusal -> refusal.isPresent() ? Result.failed(refusal.get()) : Result.ok(request));
        }));
    }
}
