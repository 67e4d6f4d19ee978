package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads the {@link Caller} from request headers, the same names in gRPC metadata and
 * HTTP: {@value #TENANT} (a tenant UUID, or {@code platform}), {@value #SUBJECT} and
 * {@value #ROLES} (comma-separated).
 */
public final class CallerHeaders {

    public static final String TENANT = "x-aicunet-tenant";
    public static final String SUBJECT = "x-aicunet-subject";
    public static final String ROLES = "x-aicunet-roles";

    private static final int SUBJECT_LENGTH_MAX = 200;
    private static final int ROLES_MAX = 32;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}");

    private CallerHeaders() {
    }

    /** The caller, or an invalid argument naming each header that is missing or malformed. */
    public static Result<Caller> parse(UnaryOperator<String> header) {
        List<Problem.FieldViolation> violations = new ArrayList<>();
        String tenantText = header.apply(TENANT);
        TenantScope scope = null;
        if (tenantText == null || tenantText.isBlank()) {
            violations.add(new Problem.FieldViolation(TENANT, "header is required: a tenant UUID or 'platform'"));
        } else if (TenantScope.PLATFORM_HEADER_VALUE.equals(tenantText.trim())) {
            scope = TenantScope.platform();
        } else {
            scope = TenantId.parse(tenantText.trim()).map(TenantScope::of).orElse(null);
            if (scope == null) {
                violations.add(new Problem.FieldViolation(TENANT, "must be a tenant UUID or 'platform'"));
            }
        }
        String subject = header.apply(SUBJECT);
        if (subject == null || subject.isBlank()) {
            violations.add(new Problem.FieldViolation(SUBJECT, "header is required"));
        } else if (subject.length() > SUBJECT_LENGTH_MAX || !NAME.matcher(subject.trim()).matches()) {
            violations.add(new Problem.FieldViolation(SUBJECT, "must be 1 to 200 characters of letters, digits and ._:@/-"));
        }
        String rolesText = header.apply(ROLES);
        Set<String> roles = new LinkedHashSet<>();
        if (rolesText != null && !rolesText.isBlank()) {
            Arrays.stream(rolesText.split(",")).map(String::trim).filter(r -> !r.isEmpty()).forEach(roles::add);
        }
        if (roles.size() > ROLES_MAX || roles.stream().anyMatch(r -> !NAME.matcher(r).matches())) {
            violations.add(new Problem.FieldViolation(ROLES, "at most 32 comma-separated role names"));
        }
        if (!violations.isEmpty()) {
            return Result.failed(new Problem.InvalidArgument(violations));
        }
        return Result.ok(new Caller(subject.trim(), roles, scope));
    }
}
