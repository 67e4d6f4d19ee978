package io.aicunet.config.application;

import io.aicunet.config.settings.ConfigServiceSettings;
import io.aicunet.platform.policy.Authorizer;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policy's answers, kept for a short time per caller (subject, roles, tenant
 * scope), action and resource. Configuration reads are frequent and a decision costs
 * an HTTP round trip to OPA (about a millisecond here, more under load): kept for
 * {@code config.authorization.decision-ttl} (1 s by default), a policy change takes
 * effect within that time. Only allow and deny are kept, never "unavailable", so an
 * OPA outage is not remembered. Lives in this service because the shared Authorizer
 * (platform/policy) has no cache of its own.
 */
@ApplicationScoped
public class PolicyDecisions {

    private final Authorizer authorizer;
    private final long ttlNanos;
    private final int decisionsMax;
    private final ConcurrentHashMap<DecisionKey, Decision> decisions = new ConcurrentHashMap<>();

    private record DecisionKey(String subject, Set<String> roles, String scope, String action, Resource resource) {
    }

    private record Decision(Optional<Problem> refusal, long expiresAtNanos) {
    }

    public PolicyDecisions(Authorizer authorizer, ConfigServiceSettings settings) {
        this.authorizer = authorizer;
        this.ttlNanos = settings.authorization().decisionTtl().toNanos();
        this.decisionsMax = settings.authorization().decisionsMax();
    }

    /** Empty when the policy allows it; otherwise PERMISSION_DENIED or UNAVAILABLE. */
    public Uni<Optional<Problem>> check(Caller caller, String action, Resource resource) {
        if (ttlNanos <= 0) {
            return authorizer.check(caller, action, resource);
        }
        DecisionKey key = new DecisionKey(caller.subject(), caller.roles(), caller.scope().asText(), action, resource);
        long now = System.nanoTime();
        Decision known = decisions.get(key);
        if (known != null && known.expiresAtNanos() - now > 0) {
            return Uni.createFrom().item(known.refusal());
        }
        return authorizer.check(caller, action, resource).invoke(refusal -> {
            if (refusal.isEmpty() || refusal.get() instanceof Problem.PermissionDenied) {
                if (decisions.size() >= decisionsMax) {
                    decisions.clear();
                }
                decisions.put(key, new Decision(refusal, System.nanoTime() + ttlNanos));
            }
        });
    }
}
