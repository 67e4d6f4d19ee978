package io.aicunet.agentstate.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The short-lived memory of policy allows, as plain logic with a hand-driven clock. */
class DecisionCacheTest {

    private static final TenantId TENANT = TenantId.random();
    private static final Resource THREAD = Resource.owned("thread", "t-1", TENANT);

    private final AtomicLong now = new AtomicLong(1_000);

    /** Proves: an allow is reused until its TTL ends, then asked again; nothing is remembered before an allow. */
    @Test
    void allowsExpire() {
        DecisionCache cache = new DecisionCache(100, 10, now::get);
        Caller runtime = caller("runtime", "agent-runtime");
        assertThat(cache.allowed(runtime, "read", THREAD)).isFalse();
        cache.rememberAllowed(runtime, "read", THREAD);
        now.addAndGet(99);
        assertThat(cache.allowed(runtime, "read", THREAD)).isTrue();
        now.addAndGet(1);
        assertThat(cache.allowed(runtime, "read", THREAD)).isFalse();
    }

    /** Proves: another role set, action, resource or subject is a different question, never answered from memory. */
    @Test
    void keyIsEverythingThePolicySees() {
        DecisionCache cache = new DecisionCache(1_000, 10, now::get);
        cache.rememberAllowed(caller("runtime", "agent-runtime"), "read", THREAD);
        assertThat(cache.allowed(caller("runtime", "tenant-viewer"), "read", THREAD)).isFalse();
        assertThat(cache.allowed(caller("runtime", "agent-runtime"), "write", THREAD)).isFalse();
        assertThat(cache.allowed(caller("runtime", "agent-runtime"), "read",
                Resource.owned("thread", "t-2", TENANT))).isFalse();
        assertThat(cache.allowed(caller("someone-else", "agent-runtime"), "read", THREAD)).isFalse();
        assertThat(cache.allowed(caller("runtime", "agent-runtime"), "read", THREAD)).isTrue();
    }

    /** Proves: a TTL of 0 remembers nothing, and a full cache forgets everything rather than grow. */
    @Test
    void offAndBounded() {
        DecisionCache off = new DecisionCache(0, 10, now::get);
        off.rememberAllowed(caller("runtime", "agent-runtime"), "read", THREAD);
        assertThat(off.allowed(caller("runtime", "agent-runtime"), "read", THREAD)).isFalse();

        DecisionCache small = new DecisionCache(1_000, 2, now::get);
        small.rememberAllowed(caller("a", "r"), "read", THREAD);
        small.rememberAllowed(caller("b", "r"), "read", THREAD);
        small.rememberAllowed(caller("c", "r"), "read", THREAD);
        assertThat(small.allowed(caller("a", "r"), "read", THREAD)).isFalse();
        assertThat(small.allowed(caller("c", "r"), "read", THREAD)).isTrue();
    }

    private static Caller caller(String subject, String role) {
        return new Caller(subject, Set.of(role), TenantScope.of(TENANT));
    }
}
