package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.policy.PolicyConfig;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.PipelineCost;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves: the local stack's OPA, asked at data.aicunet.limits.decision with the input the
 * step builds, counts a tenant member against the tenant, a tenant's machine account
 * against the tenant and its own 50 % share, and exempts the fleet's services, platform
 * staff and the unmetered reads; answers are kept per question (whatever the resource's
 * id) for the cache time, failures are not kept, and a malformed answer fails.
 */
class LimitsPolicyTest {

    private static LimitsPolicy.Engine opa;

    @BeforeAll
    static void connect() {
        FleetStack.ensureRunning();
        opa = LimitsPolicy.opa(PipelineCost.policyConfig(PolicyConfig.class, 0), "aicunet/limits/decision");
    }

    private final TenantId tenant = TenantId.random();
    private final Resource checkpoint = Resource.owned("checkpoint", "c-1", tenant);

    @Test
    void opaSaysWhichBucketCountsWhom() {
        LimitsPolicy policy = new LimitsPolicy(opa, Duration.ZERO, 10, System::nanoTime);

        assertThat(decide(policy, member("tenant-admin"), "agent-state.checkpoints.write", checkpoint).bucket())
                .isEqualTo(LimitsPolicy.Bucket.TENANT);
        LimitsPolicy.Decision machine = decide(policy, member("tenant-service"), "agent-state.tasks.enqueue", checkpoint);
        assertThat(machine.bucket()).isEqualTo(LimitsPolicy.Bucket.PRINCIPAL);
        assertThat(machine.sharePercent()).isEqualTo(50);
        assertThat(decide(policy, fleet("ledger"), "tenant.tenants.read", Resource.owned("tenant", "", tenant)).bucket())
                .isEqualTo(LimitsPolicy.Bucket.NONE);
        Caller staff = new Caller("operator", Set.of("platform-operator"), TenantScope.platform(), Optional.empty(),
                Optional.empty());
        assertThat(decide(policy, staff, "tenant.tenants.read", Resource.owned("tenant", "", tenant)).bucket())
                .isEqualTo(LimitsPolicy.Bucket.NONE);
        assertThat(decide(policy, member("tenant-viewer"), "tenant.tenants.read", Resource.owned("tenant", "", tenant))
                .bucket()).isEqualTo(LimitsPolicy.Bucket.NONE);
        assertThat(decide(policy, member("tenant-admin"), "tenant.tenants.update", Resource.owned("tenant", "", tenant))
                .bucket()).isEqualTo(LimitsPolicy.Bucket.TENANT);
    }

    @Test
    void keepsAnAnswerPerQuestionForTheCacheTimeAndNeverAFailure() {
        List<Map<String, Object>> asked = new ArrayList<>();
        AtomicLong nanos = new AtomicLong();
        boolean[] down = {true};
        LimitsPolicy.Engine counting = input -> {
            asked.add(input);
            return down[0] ? Uni.createFrom().failure(new IllegalStateException("OPA is down"))
                    : opa.ask(input);
        };
        LimitsPolicy policy = new LimitsPolicy(counting, Duration.ofSeconds(5), 10, nanos::get);

        assertThatThrownBy(() -> decide(policy, member("tenant-admin"), "agent-state.checkpoints.read", checkpoint))
                .hasMessageContaining("OPA is down");
        down[0] = false;
        decide(policy, member("tenant-admin"), "agent-state.checkpoints.read", checkpoint);
        decide(policy, member("tenant-admin"), "agent-state.checkpoints.read",
                Resource.owned("checkpoint", "another", tenant));
        assertThat(asked).hasSize(2);
        assertThat(asked.get(1)).containsEntry("resource", Map.of("type", "checkpoint", "id", "", "tenant",
                tenant.toString()));

        decide(policy, member("tenant-admin"), "agent-state.checkpoints.write", checkpoint);
        assertThat(asked).as("another action is another question").hasSize(3);
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        decide(policy, member("tenant-admin"), "agent-state.checkpoints.read", checkpoint);
        assertThat(asked).hasSize(4);
    }

    @Test
    void aMalformedAnswerFails() {
        assertThatThrownBy(() -> LimitsPolicy.Decision.from(null)).hasMessageContaining("no decision");
        assertThatThrownBy(() -> LimitsPolicy.Decision.from(Map.of("bucket", "everyone")))
                .hasMessageContaining("no known bucket");
        assertThatThrownBy(() -> LimitsPolicy.Decision.from(Map.of("bucket", "principal", "share_percent", 0)))
                .hasMessageContaining("1 to 100");
        assertThat(LimitsPolicy.Decision.from(Map.of("bucket", "tenant")).bucket()).isEqualTo(LimitsPolicy.Bucket.TENANT);
    }

    private Caller member(String role) {
        return new Caller("member-" + role, Set.of(role), TenantScope.of(tenant), Optional.of(tenant), Optional.empty());
    }

    private Caller fleet(String service) {
        return new Caller("service-account-" + service, Set.of(), TenantScope.of(tenant), Optional.empty(),
                Optional.of(service));
    }

    private static LimitsPolicy.Decision decide(LimitsPolicy policy, Caller caller, String action, Resource resource) {
        return policy.decide(caller, action, resource).await().atMost(Duration.ofSeconds(10));
    }
}
