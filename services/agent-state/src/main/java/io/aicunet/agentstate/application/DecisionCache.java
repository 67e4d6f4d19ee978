package io.aicunet.agentstate.application;

import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.tenancy.Caller;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers for a short time that the policy allowed a caller an action on a
 * resource, so that hot calls (cached checkpoint reads, heartbeats) do not ask OPA
 * every time. Only allows are remembered, never refusals or failures, and the key is
 * everything the policy sees (subject, roles, scope, action, resource): a caller with
 * other roles is asked about afresh. A policy change takes effect within {@code ttlNanos}.
 * Bounded: when full, it forgets everything.
 */
final class DecisionCache {

    private record Key(String subject, List<String> roles, String scope, String action, String resourceType,
                       String resourceId, String resourceTenant) {
    }

    private final Map<Key, Long> allowedUntil = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int entriesMax;
    private final LongSupplier clock;

    DecisionCache(long ttlNanos, int entriesMax, LongSupplier clock) {
        this.ttlNanos = ttlNanos;
        this.entriesMax = entriesMax;
        this.clock = clock;
    }

    /** Whether an allow of exactly this question was remembered and is still fresh. */
    boolean allowed(Caller caller, String action, Resource resource) {
        if (ttlNanos <= 0) {
            return false;
        }
        Key key = key(caller, action, resource);
        Long until = allowedUntil.get(key);
        if (until == null) {
            return false;
        }
        if (until - clock.getAsLong() > 0) {
            return true;
        }
        allowedUntil.remove(key, until);
        return false;
    }

    /** Remembers that the policy allowed this, for the cache's TTL. */
    void rememberAllowed(Caller caller, String action, Resource resource) {
        if (ttlNanos <= 0) {
            return;
        }
        if (allowedUntil.size() >= entriesMax) {
            allowedUntil.clear();
        }
        allowedUntil.put(key(caller, action, resource), clock.getAsLong() + ttlNanos);
    }

    private static Key key(Caller caller, String action, Resource resource) {
        return new Key(caller.subject(), caller.roles().stream().sorted().toList(), caller.scope().asText(), action,
                resource.type(), resource.id(), resource.tenant().map(Object::toString).orElse(""));
    }
}
