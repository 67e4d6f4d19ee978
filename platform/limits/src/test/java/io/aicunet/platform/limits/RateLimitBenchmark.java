package io.aicunet.platform.limits;

import io.aicunet.platform.policy.PolicyConfig;
import io.aicunet.platform.policy.Resource;
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
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * The request rate limit's cost, against the local stack's Redis and OPA, in one run:
 * <ol>
 *   <li>raw EVALSHA: the bucket script sent straight to Redis, {@value #IN_FLIGHT} calls in
 *       flight, over {@value #TENANTS} tenants' buckets (requests per second);</li>
 *   <li>decisions: {@link RateLimitStep#admit} as a service runs it (the limits policy's
 *       answer and the tenant's quotas cached, as they are when warm), the same Redis, the
 *       same concurrency (decisions per second);</li>
 *   <li>added latency: one {@link RateLimitStep#admit} at a time, warm (median and 99th
 *       percentile in microseconds), for a counted call and for an exempt one (the fleet's
 *       own service: the policy's cached answer only).</li>
 * </ol>
 * Run: {@code flock /tmp/mvn.lock mvn -B -q -o -pl platform/limits exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.aicunet.platform.limits.RateLimitBenchmark}.
 */
public final class RateLimitBenchmark {

    private static final int IN_FLIGHT = 64;
    private static final int TENANTS = 1_000;
    private static final int WARM_UP = 50_000;
    private static final int CALLS = 200_000;
    private static final int LATENCY_CALLS = 20_000;

    private RateLimitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        FleetStack.ensureRunning();
        Infrastructure.setDefaultExecutor(Executors.newScheduledThreadPool(4, work -> {
            Thread thread = new Thread(work, "rate-limit-benchmark");
            thread.setDaemon(true);
            return thread;
        }), true);
        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, StackRedisClient.options(StackRedis.ADMIN)
                .setMaxPoolSize(8).setMaxPoolWaiting(IN_FLIGHT * 4).setMaxWaitingHandlers(IN_FLIGHT * 64));
        RedisBuckets.Commands commands = (command, arguments) -> redis.send(RedisBucketsTest.request(command, arguments));
        TenantId[] tenants = new TenantId[TENANTS];
        for (int i = 0; i < TENANTS; i++) {
            tenants[i] = TenantId.random();
        }
        // A limit no run reaches: every decision is an allow, as on a healthy fleet.
        Quotas plenty = new Quotas(BucketShape.PER_MINUTE_MAX, 0, 0);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TenantQuotas quotas = new TenantQuotas(tenant -> Uni.createFrom().item(Optional.of(plenty)),
                new TenantQuotas.Settings(Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(1), 10_000,
                        plenty), Clock.systemUTC(), meters);
        LimitsConfig config = new SmallRyeConfigBuilder().withMapping(LimitsConfig.class)
                .withDefaultValues(Map.of("aicunet.limits.decision-cache-millis", "3600000"))
                .build().getConfigMapping(LimitsConfig.class);
        RateLimitStep step = new RateLimitStep(config,
                LimitsPolicy.opa(PipelineCost.policyConfig(PolicyConfig.class, 0), config.decisionPath()), quotas,
                commands, meters);
        Caller[] members = new Caller[TENANTS];
        for (int i = 0; i < TENANTS; i++) {
            members[i] = new Caller("bench-member", Set.of("tenant-admin"), TenantScope.of(tenants[i]),
                    Optional.of(tenants[i]), Optional.empty());
        }
        Resource checkpoint = Resource.owned("checkpoint", "c", tenants[0]);
        IntFunction<Uni<?>> evalsha = i -> commands.send(Command.EVALSHA, List.of(RateLimitScript.SHA1, "1",
                RedisBuckets.tenantKey(tenants[i % TENANTS]), Long.toString(BucketShape.PER_MINUTE_MAX),
                Long.toString(BucketShape.PER_MINUTE_MAX)));
        IntFunction<Uni<?>> decide = i -> step.admit(members[i % TENANTS], "agent-state.checkpoints.write",
                Resource.owned("checkpoint", "c", tenants[i % TENANTS])).invoke(RateLimitBenchmark::allowed);

        // The script is loaded once (EVAL), as the first call of a service does.
        commands.send(Command.EVAL, List.of(RateLimitScript.SOURCE, "1", RedisBuckets.tenantKey(tenants[0]), "1", "1"))
                .await().atMost(Duration.ofSeconds(5));
        for (int round = 0; round < 2; round++) {
            throughput(evalsha, WARM_UP);
            throughput(decide, WARM_UP);
        }
        double raw = throughput(evalsha, CALLS);
        double decisions = throughput(decide, CALLS);
        double rawAgain = throughput(evalsha, CALLS);

        Caller fleet = new Caller("service-account-ledger", Set.of(), TenantScope.of(tenants[0]), Optional.empty(),
                Optional.of("ledger"));
        long[] counted = latencies(() -> step.admit(members[0], "agent-state.checkpoints.write", checkpoint));
        long[] exempt = latencies(() -> step.admit(fleet, "tenant.data-keys.read",
                Resource.owned("tenant", "", tenants[0])));

        System.out.printf(Locale.ROOT, "== request rate limit (platform/limits; local stack Redis %s, %d in flight, %d"
                + " tenants) ==%n", FleetStack.redisPort(), IN_FLIGHT, TENANTS);
        System.out.printf(Locale.ROOT, "  raw EVALSHA of the bucket script:      %,10.0f /s (again after: %,.0f /s)%n",
                raw, rawAgain);
        System.out.printf(Locale.ROOT, "  RateLimitStep decisions (warm caches): %,10.0f /s (%.0f %% of raw)%n",
                decisions, 100 * decisions / ((raw + rawAgain) / 2));
        System.out.printf(Locale.ROOT, "  added per call, counted (one at a time): median %8.1f µs, p99 %8.1f µs%n",
                counted[0] / 1e3, counted[1] / 1e3);
        System.out.printf(Locale.ROOT, "  added per call, exempt (fleet service):  median %8.1f µs, p99 %8.1f µs%n",
                exempt[0] / 1e3, exempt[1] / 1e3);
        System.out.printf(Locale.ROOT, "  decisions counted: %s%n", meters.find("aicunet.limits.decisions").counters()
                .stream().map(c -> c.getId().getTag("outcome") + "=" + (long) c.count()).sorted().toList());
        redis.close();
        vertx.closeAndAwait();
        System.exit(0);
    }

    private static void allowed(Optional<Problem> refusal) {
        if (refusal.isPresent()) {
            throw new IllegalStateException("the benchmark expects allows only: " + refusal.get().detail());
        }
    }

    /** Calls per second with {@value #IN_FLIGHT} chains of calls, each starting its next when one ends. */
    private static double throughput(IntFunction<Uni<?>> call, int calls) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(IN_FLIGHT);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long start = System.nanoTime();
        for (int chain = 0; chain < IN_FLIGHT; chain++) {
            step(call, next, calls, done, failed);
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the benchmark did not finish in 10 minutes");
        }
        if (failed.get() != null) {
            throw new IllegalStateException("a call failed", failed.get());
        }
        return calls / ((System.nanoTime() - start) / 1e9);
    }

    private static void step(IntFunction<Uni<?>> call, AtomicInteger next, int calls, CountDownLatch done,
                             AtomicReference<Throwable> failed) {
        int i = next.getAndIncrement();
        if (i >= calls || failed.get() != null) {
            done.countDown();
            return;
        }
        call.apply(i).subscribe().with(result -> step(call, next, calls, done, failed), failure -> {
            failed.set(failure);
            done.countDown();
        });
    }

    /** Median and 99th percentile in nanoseconds of one call at a time, after a warm-up. */
    private static long[] latencies(java.util.function.Supplier<Uni<?>> call) {
        for (int i = 0; i < LATENCY_CALLS; i++) {
            call.get().await().atMost(Duration.ofSeconds(5));
        }
        long[] nanos = new long[LATENCY_CALLS];
        for (int i = 0; i < LATENCY_CALLS; i++) {
            long start = System.nanoTime();
            call.get().await().atMost(Duration.ofSeconds(5));
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return new long[] {nanos[LATENCY_CALLS / 2], nanos[LATENCY_CALLS * 99 / 100]};
    }

}
