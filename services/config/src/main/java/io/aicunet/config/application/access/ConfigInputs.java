package io.aicunet.config.application.access;

import io.aicunet.config.application.access.ConfigCommands.ScopeInput;
import io.aicunet.config.domain.ConfigRules;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.ScopeKind;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.tenancy.TenantId;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** Turns raw request parts into domain values, naming every field that is wrong. */
public final class ConfigInputs {

    private static final String SCOPE_KINDS = Arrays.stream(ScopeKind.values()).map(ScopeKind::wireName).toList()
            .toString();

    private ConfigInputs() {
    }

    public static Optional<EntryKey> entryKey(String namespace, String key, ScopeInput scope, List<FieldViolation> violations) {
        check("namespace", ConfigRules.namespaceProblem(namespace), violations);
        check("key", ConfigRules.keyProblem(key), violations);
        Optional<ConfigScope> parsed = scope(scope, violations);
        return violations.isEmpty() && parsed.isPresent()
                ? Optional.of(new EntryKey(namespace, key, parsed.get()))
                : Optional.empty();
    }

    public static Optional<ConfigScope> scope(ScopeInput scope, List<FieldViolation> violations) {
        if (scope == null || blank(scope.kind())) {
            violations.add(new FieldViolation("scope.kind", "is required: one of " + SCOPE_KINDS));
            return Optional.empty();
        }
        Optional<ScopeKind> kind = ScopeKind.fromWireName(scope.kind());
        if (kind.isEmpty()) {
            violations.add(new FieldViolation("scope.kind", "must be one of " + SCOPE_KINDS + ", not " + scope.kind()));
            return Optional.empty();
        }
        int before = violations.size();
        Optional<TenantId> tenant = Optional.empty();
        if (kind.get().hasTenant()) {
            tenant = requiredTenant("scope.tenant_id", scope.tenantId(), violations);
        } else if (!blank(scope.tenantId())) {
            violations.add(new FieldViolation("scope.tenant_id", "must be empty for scope " + scope.kind()));
        }
        Optional<String> service = Optional.empty();
        if (kind.get().hasService()) {
            String problem = ConfigRules.serviceProblem(scope.service());
            check("scope.service", problem, violations);
            service = problem == null ? Optional.of(scope.service()) : Optional.empty();
        } else if (!blank(scope.service())) {
            violations.add(new FieldViolation("scope.service", "must be empty for scope " + scope.kind()));
        }
        return violations.size() == before
                ? Optional.of(new ConfigScope(kind.get(), tenant, service))
                : Optional.empty();
    }

    /** An optional tenant filter: absent or empty text is no tenant. */
    public static Optional<TenantId> optionalTenant(String field, String tenantId, List<FieldViolation> violations) {
        if (blank(tenantId)) {
            return Optional.empty();
        }
        return requiredTenant(field, tenantId, violations);
    }

    public static Optional<String> optionalService(String field, String service, List<FieldViolation> violations) {
        if (blank(service)) {
            return Optional.empty();
        }
        String problem = ConfigRules.serviceProblem(service);
        check(field, problem, violations);
        return problem == null ? Optional.of(service) : Optional.empty();
    }

    public static List<String> namespaces(String field, List<String> namespaces, int max, List<FieldViolation> violations) {
        if (namespaces.size() > max) {
            violations.add(new FieldViolation(field, "names " + namespaces.size() + " namespaces; at most " + max));
            return List.of();
        }
        for (int i = 0; i < namespaces.size(); i++) {
            check(field + "[" + i + "]", ConfigRules.namespaceProblem(namespaces.get(i)), violations);
        }
        return List.copyOf(new LinkedHashSet<>(namespaces));
    }

    public static void check(String field, String problem, List<FieldViolation> violations) {
        if (problem != null) {
            violations.add(new FieldViolation(field, problem));
        }
    }

    /**
     * Whether an optional part was left out: null (REST) or empty (gRPC's default). Only
     * those: a tenant id or service of spaces is a malformed one, refused as such, not
     * quietly taken for none (the REST document's patterns say the same).
     */
    public static boolean blank(String text) {
        return text == null || text.isEmpty();
    }

    private static Optional<TenantId> requiredTenant(String field, String tenantId, List<FieldViolation> violations) {
        if (blank(tenantId)) {
            violations.add(new FieldViolation(field, "is required for this scope: a tenant UUID"));
            return Optional.empty();
        }
        Optional<TenantId> parsed = TenantId.parse(tenantId);
        if (parsed.isEmpty()) {
            violations.add(new FieldViolation(field, "must be a UUID"));
        }
        return parsed;
    }
}
