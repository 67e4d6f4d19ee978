package io.aicunet.platform.tenancy;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who makes a call, as its verified bearer token says, and the tenant scope it asks
 * to act in. {@code subject} and {@code roles} are the token's; {@code homeTenant} is
 * the tenant the token binds the principal to (empty for platform staff and for the
 * fleet's service accounts); {@code service} names the fleet service whose own account
 * calls (empty for users and external accounts). {@code scope} is what the request
 * names ({@value CallerHeaders#TENANT}, by default the home tenant): the policy decides
 * whether this principal may act there.
 */
public record Caller(String subject, Set<String> roles, TenantScope scope,
                     Optional<TenantId> homeTenant, Optional<String> service) {

    public Caller {
        Objects.requireNonNull(subject, "subject");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(homeTenant, "homeTenant");
        Objects.requireNonNull(service, "service");
    }

    /** The service itself acting (jobs, consumers): no token, never seen by the policy engine. */
    public static Caller system(String subject, TenantScope scope) {
        return new Caller(subject, Set.of(), scope, Optional.empty(), Optional.empty());
    }
}
