package io.aicunet.ledger.application;

import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.tenancy.Caller;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers the policy's allow decisions for a short time, so a service account that
 * posts a transfer per model call does not ask OPA (a network hop, JSON both ways and
 * a worker thread) every time. Only allows are kept, never refusals; the key is the
 * whole policy input (subject, roles, scope, action, resource), so a decision is
 * reused only for exactly the same question; a changed policy takes effect within
 * the time to live. Bounded: when full it starts over.
 */
final class PolicyDecisionCache {

    /** Everything the policy sees. */
    record Question(String subject, Set<String> roles, String scope, String action, String resourceType,
                    String resourceId, String resourceTenant) {

        static Question of(Caller caller, String action, Resource resource) {
            return new Question(caller.subject(), caller.roles(), caller.scope().asText(), action, resource.type(),
                    resource.id(), resource.tenant().map(Object::toString).orElse(""));
        }
    }

    private final ConcurrentHashMap<Question, Long> allowedUntilNanos = new ConcurrentHashMap<>();
    private final long timeToLiveNanos;
    private final int entriesMax;
    private final LongSupplier nanoTime;

    PolicyDecisionCache(long timeToLiveMillis, int entriesMax, LongSupplier nanoTime) {
        this.timeToLiveNanos = timeToLiveMillis * 1_000_000L;
        this.entriesMax = entriesMax;
        this.nanoTime = nanoTime;
    }

    /** Whether the policy allowed exactly this within the time to live. */
    boolean allowed(Question question) {
        Long until = allowedUntilNanos.get(question);
        if (until == null) {
            return false;
        }
        if (nanoTime.getAsLong() - until < 0) {
            return true;
        }
        allowedUntilNanos.remove(question, until);
        return false;
    }

    void rememberAllowed(Question question) {
        if (timeToLiveNanos <= 0) {
            return;
        }
        if (allowedUntilNanos.size() >= entriesMax) {
            allowedUntilNanos.clear();
        }
        allowedUntilNanos.put(question, nanoTime.getAsLong() + timeToLiveNanos);
    }
}
