package io.aicunet.platform.policy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Asks OPA whether a caller may do an action on a resource. The input holds only
 * what was verified (the token's subject, roles, home tenant and service) and what the
 * request asks (its tenant scope, action and resource). Fails closed: when OPA cannot
 * be reached or does not answer in time, the answer is UNAVAILABLE, never allow
 * ({@link OpaDocuments} asks OPA).
 */
@ApplicationScoped
public class Authorizer {

    private static final Logger LOG = Logger.getLogger(Authorizer.class);

    /** The question of {@link #probe}: shaped like a caller's, denied by the policy. */
    private static final Map<String, Object> PROBE = Map.of("subject", "readiness-probe", "roles", List.of(),
            "principal_tenant", "", "service", "", "tenant", "", "action", "policy.readiness.probe",
            "resource", Map.of("type", "", "id", "", "tenant", ""));

    private final OpaDocuments opa;
    private final PolicyConfig config;
    private final MeterRegistry meters;

    /** An authorizer with a client of its own (tests, benchmarks). */
    public Authorizer(PolicyConfig config, MeterRegistry meters) {
        this(config, meters, new OpaDocuments(config));
    }

    /** The service's authorizer, asking through the service's one OPA client ({@link OpaClient}). */
    @Inject
    public Authorizer(PolicyConfig config, MeterRegistry meters, OpaDocuments opa) {
        this.config = config;
        this.meters = meters;
        this.opa = opa;
    }

    /**
     * Asks OPA a question no caller asks (an anonymous subject without roles), to learn
     * that it answers: succeeds on any answer, fails when it does not answer in time. Not
     * counted as a decision.
     */
    public Uni<Void> probe() {
        return opa.query(config.decisionPath(), PROBE).replaceWithVoid();
    }

    /** Empty when the policy allows it; otherwise PERMISSION_DENIED or UNAVAILABLE. */
    public Uni<Optional<Problem>> check(Caller caller, String action, Resource resource) {
        Map<String, Object> input = Map.of(
                "subject", caller.subject(),
                "roles", List.copyOf(caller.roles()),
                "principal_tenant", caller.homeTenant().map(Object::toString).orElse(""),
                "service", caller.service().orElse(""),
                "tenant", caller.scope().asText(),
                "action", action,
                "resource", Map.of(
                        "type", resource.type(),
                        "id", resource.id(),
                        "tenant", resource.tenant().map(Object::toString).orElse("")));
        return opa.query(config.decisionPath(), input)
                .map(PolicyDecision::from)
                .map(decision -> decide(decision, caller, action))
                .onFailure().recoverWithItem(failure -> unavailable(failure, action));
    }

    private Optional<Problem> decide(Optional<PolicyDecision> decision, Caller caller, String action) {
        boolean allowed = decision.map(PolicyDecision::allow).orElse(false);
        meters.counter("aicunet.policy.decisions", "action", action, "allowed", Boolean.toString(allowed))
                .increment();
        if (allowed) {
            return Optional.empty();
        }
        String reasons = decision.map(PolicyDecision::reasons).filter(r -> !r.isEmpty())
                .map(r -> String.join("; ", r))
                .orElse("the policy defines no decision");
        return Optional.of(new Problem.PermissionDenied(
                caller.subject() + " may not " + action + ": " + reasons));
    }

    private Optional<Problem> unavailable(Throwable failure, String action) {
        LOG.warnf("policy decision for %s failed closed: %s", action, failure.toString());
        meters.counter("aicunet.policy.unavailable", "action", action).increment();
        return Optional.of(new Problem.Unavailable("the policy engine cannot be reached; nothing was changed"));
    }

    /** The decision document the Rego policy returns: {@code {"allow": bool, "reasons": [string]}}. */
    record PolicyDecision(boolean allow, List<String> reasons) {

        /**
         * Read from the plain map the client returns (a class of our own would be loaded
         * by the client's class loader, which differs from ours in Quarkus tests and dev mode).
         * Empty when the policy defines no decision for the input.
         */
        static Optional<PolicyDecision> from(Map<?, ?> document) {
            if (document == null) {
                return Optional.empty();
            }
            boolean allow = Boolean.TRUE.equals(document.get("allow"));
            List<String> reasons = document.get("reasons") instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList()
                    : List.of();
            return Optional.of(new PolicyDecision(allow, reasons));
        }
    }
}
