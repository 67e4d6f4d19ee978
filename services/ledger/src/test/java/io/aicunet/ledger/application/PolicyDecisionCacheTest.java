package io.aicunet.ledger.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The policy decision cache reuses an allow only for the very same question, and only briefly. */
class PolicyDecisionCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final PolicyDecisionCache cache = new PolicyDecisionCache(1_000, 3, now::get);
    private final TenantId tenant = TenantId.random();
    private final Caller writer = new Caller("svc", Set.of("ledger-writer"), TenantScope.of(tenant));

    /**
     * Proves: an allow is reused for the same caller, action and resource within the
     * time to live, not after it, and never for another action, role set, scope or
     * resource tenant.
     */
    @Test
    void reusesOnlyTheSameQuestionWithinTheTimeToLive() {
        PolicyDecisionCache.Question question = PolicyDecisionCache.Question.of(writer, "ledger.transfers.create",
                Resource.owned("transfer", "", tenant));
        assertThat(cache.allowed(question)).isFalse();
        cache.rememberAllowed(question);
        assertThat(cache.allowed(question)).isTrue();

        assertThat(cache.allowed(PolicyDecisionCache.Question.of(writer, "ledger.accounts.create",
                Resource.owned("transfer", "", tenant)))).isFalse();
        assertThat(cache.allowed(PolicyDecisionCache.Question.of(writer, "ledger.transfers.create",
                Resource.owned("transfer", "", TenantId.random())))).isFalse();
        Caller viewer = new Caller("svc", Set.of("tenant-viewer"), TenantScope.of(tenant));
        assertThat(cache.allowed(PolicyDecisionCache.Question.of(viewer, "ledger.transfers.create",
                Resource.owned("transfer", "", tenant)))).isFalse();
        Caller platform = new Caller("svc", Set.of("ledger-writer"), TenantScope.platform());
        assertThat(cache.allowed(PolicyDecisionCache.Question.of(platform, "ledger.transfers.create",
                Resource.owned("transfer", "", tenant)))).isFalse();

        now.addAndGet(999_999_999L);
        assertThat(cache.allowed(question)).isTrue();
        now.addAndGet(1);
        assertThat(cache.allowed(question)).isFalse();
    }

    /** Proves: a time to live of 0 remembers nothing, and a full cache starts over rather than grow. */
    @Test
    void disabledAndBounded() {
        PolicyDecisionCache disabled = new PolicyDecisionCache(0, 3, now::get);
        PolicyDecisionCache.Question question = PolicyDecisionCache.Question.of(writer, "a", Resource.platform("x"));
        disabled.rememberAllowed(question);
        assertThat(disabled.allowed(question)).isFalse();

        for (int i = 0; i < 3; i++) {
            cache.rememberAllowed(PolicyDecisionCache.Question.of(writer, "action" + i, Resource.platform("x")));
        }
        cache.rememberAllowed(question);
        assertThat(cache.allowed(question)).isTrue();
        assertThat(cache.allowed(PolicyDecisionCache.Question.of(writer, "action0", Resource.platform("x")))).isFalse();
    }
}
