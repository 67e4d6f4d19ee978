package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.policy.PolicyConfig;
import io.aicunet.platform.policy.RequestStep;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.StackRedisClient;
import io.aicunet.platform.testing.PipelineCost;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves, with the local stack's OPA and Redis, the step as services run it: it orders
 * before authorization and counts a principal against its own tenant, never the one it
 * names; a tenant member gets exactly the tenant's burst, then
 * RESOURCE_EXHAUSTED naming quotas.requests_per_minute with the bound and a retry delay
 * (429 with Retry-After on REST); a tenant at 0 requests a minute is refused everything
 * but the unmetered reads, while the fleet's services and platform scope stay exempt; a
 * machine account is held to its share while the tenant's people go on; an unreachable
 * limits policy refuses with UNAVAILABLE; with Redis at a closed port the replica decides
 * alone (outcome degraded). Each outcome is counted in aicunet.limits.decisions.
 */
class RateLimitStepTest {

    private static Vertx vertx;
    private static Redis redis;
    private static Redis closedRedis;
    private static LimitsPolicy.Engine opa;

    @BeforeAll
    static void connect() throws IOException {
        FleetStack.ensureRunning();
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, StackRedisClient.options(StackRedis.ADMIN));
        // Open the pool's connection before the tests: the first TLS handshake of a cold JVM
        // can take longer than the step's 250 ms Redis timeout, after which the step decides
        // alone (local buckets) and the test would count in the wrong place.
        redis.send(RedisBucketsTest.request(io.vertx.mutiny.redis.client.Command.PING, java.util.List.of())).await()
                .atMost(Duration.ofSeconds(10));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        closedRedis = Redis.createClient(vertx, "redis://127.0.0.1:" + closedPort);
        opa = LimitsPolicy.opa(PipelineCost.policyConfig(PolicyConfig.class, 0), "aicunet/limits/decision");
    }

    @AfterAll
    static void disconnect() {
        redis.close();
        closedRedis.close();
        vertx.closeAndAwait();
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Map<TenantId, Quotas> quotas = new HashMap<>();
    private final TenantQuotas tenantQuotas = new TenantQuotas(
            tenant -> Uni.createFrom().item(Optional.ofNullable(quotas.get(tenant))),
            new TenantQuotas.Settings(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(1), 100,
                    new Quotas(60, 0, 0)), Clock.systemUTC(), meters);
    private final TenantId tenant = TenantId.random();

    @Test
    void runsBeforeAuthorization() {
        assertThat(step(opa, redis).order()).isLessThan(RequestStep.AUTHORIZATION);
    }

    /** Proves: a principal of another tenant naming this one spends its own tenant's bucket, never this tenant's. */
    @Test
    void aForeignPrincipalSpendsItsOwnTenantsBucketNotTheOneItNames() {
        TenantId foreignHome = TenantId.random();
        quotas.put(tenant, new Quotas(2, 0, 0));
        quotas.put(foreignHome, new Quotas(2, 0, 0));
        RateLimitStep step = step(opa, redis);
        Caller foreign = new Caller("intruder", Set.of("tenant-admin"), TenantScope.of(tenant), Optional.of(foreignHome),
                Optional.empty());
        assertThat(admit(step, foreign, "agent-state.checkpoints.write")).isEmpty();
        assertThat(admit(step, foreign, "agent-state.checkpoints.write")).isEmpty();
        assertThat(admit(step, foreign, "agent-state.checkpoints.write")).get()
                .isInstanceOfSatisfying(Problem.ResourceExhausted.class, exhausted ->
                        assertThat(exhausted.subject()).isEqualTo("tenants/" + foreignHome + "/requests"));
        assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).as("this tenant's own 2")
                .isEmpty();
        assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).isEmpty();
    }

    @Test
    void aTenantGetsExactlyItsBurstThenResourceExhaustedWithWhenToRetry() {
        quotas.put(tenant, new Quotas(3, 0, 0));
        RateLimitStep step = step(opa, redis);
        for (int i = 0; i < 3; i++) {
            assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).as("request %d", i + 1)
                    .isEmpty();
        }
        Problem refused = admit(step, member("tenant-admin"), "agent-state.checkpoints.write").orElseThrow();
        assertThat(refused).isInstanceOfSatisfying(Problem.ResourceExhausted.class, exhausted -> {
            assertThat(exhausted.limit()).isEqualTo("quotas.requests_per_minute");
            assertThat(exhausted.subject()).isEqualTo("tenants/" + tenant + "/requests");
            assertThat(exhausted.bound()).isEqualTo(3);
            assertThat(exhausted.current()).isEqualTo(3);
            assertThat(exhausted.retryAfter()).get().satisfies(wait ->
                    assertThat(wait).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20)));
            assertThat(exhausted.detail()).contains("3 a minute").contains("nothing was done");
        });
        assertThat(HttpProblems.toResponse(refused).getStatus()).isEqualTo(429);
        assertThat(Long.parseLong(HttpProblems.toResponse(refused).getHeaderString("Retry-After"))).isBetween(15L, 20L);
        assertThat(decisions("allowed")).isEqualTo(3);
        assertThat(decisions("limited")).isEqualTo(1);
    }

    @Test
    void atZeroRequestsAMinuteOnlyTheUnmeteredReadsTheFleetAndThePlatformPass() {
        quotas.put(tenant, new Quotas(0, 0, 0));
        RateLimitStep step = step(opa, redis);
        Problem refused = admit(step, member("tenant-viewer"), "agent-state.checkpoints.read").orElseThrow();
        assertThat(refused).isInstanceOfSatisfying(Problem.ResourceExhausted.class, exhausted -> {
            assertThat(exhausted.bound()).isZero();
            assertThat(exhausted.retryAfter()).contains(Duration.ofSeconds(60));
            assertThat(exhausted.detail()).contains("may make no requests");
        });
        assertThat(admit(step, member("tenant-service"), "agent-state.tasks.enqueue")).isPresent();

        assertThat(admit(step, member("tenant-viewer"), "tenant.tenants.read", Resource.owned("tenant", "", tenant)))
                .isEmpty();
        assertThat(admit(step, member("tenant-admin"), "ledger.balances.read", Resource.owned("account", "a", tenant)))
                .isEmpty();
        Caller ledger = new Caller("service-account-ledger", Set.of(), TenantScope.of(tenant), Optional.empty(),
                Optional.of("ledger"));
        assertThat(admit(step, ledger, "tenant.data-keys.read", Resource.owned("tenant", "", tenant))).isEmpty();
        Caller operator = new Caller("operator", Set.of("platform-operator"), TenantScope.platform(), Optional.empty(),
                Optional.empty());
        assertThat(admit(step, operator, "tenant.tenants.list", Resource.platform("tenant"))).isEmpty();
        assertThat(decisions("exempt")).isEqualTo(4);
        assertThat(decisions("limited")).isEqualTo(2);
    }

    @Test
    void aMachineAccountIsHeldToItsShareWhileThePeopleGoOn() {
        quotas.put(tenant, new Quotas(4, 0, 0));
        RateLimitStep step = step(opa, redis);
        assertThat(admit(step, member("tenant-service"), "agent-state.tasks.enqueue")).isEmpty();
        assertThat(admit(step, member("tenant-service"), "agent-state.tasks.enqueue")).isEmpty();
        Problem refused = admit(step, member("tenant-service"), "agent-state.tasks.enqueue").orElseThrow();
        assertThat(refused).isInstanceOfSatisfying(Problem.ResourceExhausted.class, exhausted -> {
            assertThat(exhausted.subject()).isEqualTo("tenants/" + tenant + "/principals/requests");
            assertThat(exhausted.bound()).isEqualTo(2);
        });
        assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).isEmpty();
        assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).isEmpty();
        assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).as("the tenant's 4 are used")
                .isPresent();
    }

    @Test
    void anUnreachableLimitsPolicyRefusesWithUnavailable() {
        quotas.put(tenant, new Quotas(100, 0, 0));
        RateLimitStep step = step(input -> Uni.createFrom().failure(new IllegalStateException("OPA is down")), redis);
        assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).get()
                .isInstanceOf(Problem.Unavailable.class);
        assertThat(meters.counter("aicunet.limits.policy.unavailable").count()).isEqualTo(1);
    }

    @Test
    void withRedisAtAClosedPortTheReplicaDecidesAlone() {
        quotas.put(tenant, new Quotas(4, 0, 0));
        RateLimitStep step = step(opa, closedRedis);
        assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).isEmpty();
        assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).isEmpty();
        assertThat(admit(step, member("tenant-admin"), "agent-state.checkpoints.write")).as("50 %% of a burst of 4")
                .get().isInstanceOf(Problem.ResourceExhausted.class);
        assertThat(decisions("degraded")).isEqualTo(2);
        assertThat(decisions("limited")).isEqualTo(1);
        assertThat(meters.counter("aicunet.limits.redis.failures").count()).isEqualTo(1);
    }

    private RateLimitStep step(LimitsPolicy.Engine engine, Redis client) {
        LimitsConfig config = new SmallRyeConfigBuilder().withMapping(LimitsConfig.class)
                .withDefaultValues(Map.of("aicunet.limits.redis-retry-millis", "600000"))
                .build().getConfigMapping(LimitsConfig.class);
        return new RateLimitStep(config, engine, tenantQuotas,
                (command, arguments) -> client.send(RedisBucketsTest.request(command, arguments)), meters);
    }

    private Caller member(String role) {
        return new Caller("member-" + role, Set.of(role), TenantScope.of(tenant), Optional.of(tenant), Optional.empty());
    }

    private Optional<Problem> admit(RateLimitStep step, Caller caller, String action) {
        return admit(step, caller, action, Resource.owned("checkpoint", "c-1", tenant));
    }

    private static Optional<Problem> admit(RateLimitStep step, Caller caller, String action, Resource resource) {
        return step.admit(caller, action, resource).await().atMost(Duration.ofSeconds(10));
    }

    private double decisions(String outcome) {
        return meters.counter("aicunet.limits.decisions", "outcome", outcome).count();
    }
}
