package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import java.util.Optional;

/**
 * The one identity-related header a caller chooses: {@value #TENANT}, the tenant scope
 * a request acts in (a tenant UUID, or {@code platform}). It proves nothing: who the
 * caller is comes only from the verified bearer token ({@link CallerAuthentication}),
 * and the policy decides whether that principal may act in the scope it names.
 */
public final class CallerHeaders {

    public static final String TENANT = "x-aicunet-tenant";
    public static final String AUTHORIZATION = "authorization";

    private CallerHeaders() {
    }

    /**
     * The scope the request names, or the principal's home tenant when it names none; a
     * principal bound to no tenant must name one.
     */
    public static Result<TenantScope> scope(String tenantHeader, Optional<TenantId> homeTenant) {
        if (tenantHeader == null || tenantHeader.isBlank()) {
            return homeTenant.<Result<TenantScope>>map(home -> Result.ok(TenantScope.of(home)))
                    .orElseGet(() -> Result.failed(Problem.InvalidArgument.of(TENANT,
                            "header is required: a tenant UUID or 'platform'")));
        }
        String text = tenantHeader.trim();
        if (TenantScope.PLATFORM_HEADER_VALUE.equals(text)) {
            return Result.ok(TenantScope.platform());
        }
        return TenantId.parse(text).<Result<TenantScope>>map(tenant -> Result.ok(TenantScope.of(tenant)))
                .orElseGet(() -> Result.failed(Problem.InvalidArgument.of(TENANT,
                        "must be a tenant UUID or 'platform'")));
    }
}
