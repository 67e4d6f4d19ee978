package io.aicunet.platform.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pipeline's memory of allows: exact questions only, for a bounded time and size. */
class AllowCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final TenantId tenant = TenantId.random();
    private final Resource resource = Resource.owned("account", "", tenant);

    /** Proves: a remembered allow answers the same question until its deadline, and not after. */
    @Test
    void rememberedAllowExpires() {
        PolicyStep.AllowCache cache = new PolicyStep.AllowCache(1_000, 10, now::get);
        PolicyStep.Question question = question(caller("alice", Optional.of(tenant), Optional.empty()));
        assertThat(cache.allowed(question)).isFalse();
        cache.remember(question);
        now.addAndGet(999);
        assertThat(cache.allowed(question)).isTrue();
        now.addAndGet(1);
        assertThat(cache.allowed(question)).isFalse();
    }

    /** Proves: an allow is not reused for a principal that differs in any verified field. */
    @Test
    void questionsDifferInEveryVerifiedField() {
        PolicyStep.AllowCache cache = new PolicyStep.AllowCache(1_000, 10, now::get);
        cache.remember(question(caller("alice", Optional.of(tenant), Optional.empty())));
        assertThat(cache.allowed(question(caller("mallory", Optional.of(tenant), Optional.empty())))).isFalse();
        assertThat(cache.allowed(question(caller("alice", Optional.of(TenantId.random()), Optional.empty()))))
                .isFalse();
        assertThat(cache.allowed(question(caller("alice", Optional.of(tenant), Optional.of("ledger"))))).isFalse();
        assertThat(cache.allowed(question(caller("alice", Optional.empty(), Optional.empty())))).isFalse();
    }

    /** Proves: a time to live of 0 remembers nothing, and a full cache is emptied rather than grown. */
    @Test
    void boundedInTimeAndSize() {
        PolicyStep.AllowCache off = new PolicyStep.AllowCache(0, 10, now::get);
        PolicyStep.Question question = question(caller("alice", Optional.of(tenant), Optional.empty()));
        off.remember(question);
        assertThat(off.allowed(question)).isFalse();
        PolicyStep.AllowCache small = new PolicyStep.AllowCache(1_000, 2, now::get);
        small.remember(question(caller("a", Optional.of(tenant), Optional.empty())));
        small.remember(question(caller("b", Optional.of(tenant), Optional.empty())));
        small.remember(question(caller("c", Optional.of(tenant), Optional.empty())));
        assertThat(small.allowed(question(caller("a", Optional.of(tenant), Optional.empty())))).isFalse();
        assertThat(small.allowed(question(caller("c", Optional.of(tenant), Optional.empty())))).isTrue();
    }

    private Caller caller(String subject, Optional<TenantId> home, Optional<String> service) {
        return new Caller(subject, Set.of("tenant-admin"), TenantScope.of(tenant), home, service);
    }

    private PolicyStep.Question question(Caller caller) {
        return PolicyStep.Question.of(caller, "ledger.accounts.read", resource);
    }
}
