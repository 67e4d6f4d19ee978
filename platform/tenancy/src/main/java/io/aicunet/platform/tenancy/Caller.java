package io.aicunet.platform.tenancy;

import java.util.Objects;
import java.util.Set;

/**
 * Who makes a call: a subject (service account or user), its roles, and the tenant
 * scope it acts in. Identity is established upstream (mesh mTLS or the API gateway's
 * token check) and propagated in headers; see {@link CallerHeaders}.
 */
public record Caller(String subject, Set<String> roles, TenantScope scope) {

    public Caller {
        Objects.requireNonNull(subject, "subject");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(scope, "scope");
    }
}
