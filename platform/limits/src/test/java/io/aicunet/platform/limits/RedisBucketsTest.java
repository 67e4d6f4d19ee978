package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.StackRedisClient;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves, against the local stack's Redis: exactly a bucket's capacity passes, the next
 * request is refused with the wait until one request refills, and a bucket refills with
 * Redis' clock (its stored time moved back a minute, as a minute passing would) but not
 * when its stored time is ahead of the clock (a clock that went back gives nothing); a
 * tenant's and a principal's bucket change together or not at all; a limit of 0 refuses
 * with no wait; every key is in the tenant's hash slot and expires within 61 s; EVALSHA
 * falls back to EVAL when Redis does not know the script.
 */
class RedisBucketsTest {

    private static Vertx vertx;
    private static Redis client;
    private static RedisBuckets.Commands commands;

    @BeforeAll
    static void connect() {
        FleetStack.ensureRunning();
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, StackRedisClient.options(StackRedis.ADMIN));
        commands = (command, arguments) -> client.send(request(command, arguments));
    }

    @AfterAll
    static void disconnect() {
        client.close();
        vertx.closeAndAwait();
    }

    private final RedisBuckets buckets = new RedisBuckets(commands, Duration.ofSeconds(5));

    @Test
    void exactlyTheCapacityPassesAndTheNextWaitsForOneRequestToRefill() {
        TenantId tenant = TenantId.random();
        BucketShape fivePerHour = new BucketShape(5, 1);
        for (int left = 4; left >= 0; left--) {
            assertThat(take(tenant, fivePerHour, Optional.empty())).isEqualTo(BucketAnswer.allowed(left));
        }
        BucketAnswer refused = take(tenant, fivePerHour, Optional.empty());
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusedBucket()).isZero();
        assertThat(refused.retryAfterMillis()).get().satisfies(wait ->
                assertThat(wait).isBetween(55_000L, 60_000L));
    }

    @Test
    void refillsWithTheRedisClockButNotFromAStoredTimeAheadOfIt() {
        TenantId tenant = TenantId.random();
        BucketShape twoAMinute = new BucketShape(2, 2);
        String key = RedisBuckets.tenantKey(tenant);
        take(tenant, twoAMinute, Optional.empty());
        take(tenant, twoAMinute, Optional.empty());
        assertThat(take(tenant, twoAMinute, Optional.empty()).allowed()).isFalse();

        long at = Long.parseLong(call(Command.HGET, key, "at").toString());
        call(Command.HSET, key, "at", Long.toString(at - 60_000));
        assertThat(take(tenant, twoAMinute, Optional.empty())).as("a minute refilled 2 requests")
                .isEqualTo(BucketAnswer.allowed(1));

        long now = Long.parseLong(call(Command.HGET, key, "at").toString());
        call(Command.HSET, key, "tokens", "0", "at", Long.toString(now + 3_600_000));
        BucketAnswer refused = take(tenant, twoAMinute, Optional.empty());
        assertThat(refused.allowed()).as("a stored time ahead of the clock refills nothing").isFalse();
        assertThat(Long.parseLong(call(Command.HGET, key, "at").toString())).isEqualTo(now + 3_600_000);
    }

    @Test
    void theTenantsAndThePrincipalsBucketsChangeTogetherOrNotAtAll() {
        TenantId tenant = TenantId.random();
        BucketShape tenantShape = new BucketShape(3, 1);
        Optional<RedisBuckets.Principal> agent = Optional.of(new RedisBuckets.Principal("agent-1", new BucketShape(1, 1)));
        Optional<RedisBuckets.Principal> other = Optional.of(new RedisBuckets.Principal("agent-2", new BucketShape(1, 1)));
        assertThat(take(tenant, tenantShape, agent)).isEqualTo(BucketAnswer.allowed(2));
        BucketAnswer refused = take(tenant, tenantShape, agent);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusedBucket()).isEqualTo(1);
        assertThat(refused.tokensLeft()).as("the tenant's bucket kept its request").isEqualTo(2);
        assertThat(take(tenant, tenantShape, other)).isEqualTo(BucketAnswer.allowed(1));
        assertThat(take(tenant, tenantShape, Optional.empty())).isEqualTo(BucketAnswer.allowed(0));
        BucketAnswer tenantFull = take(tenant, tenantShape, Optional.of(new RedisBuckets.Principal("agent-3",
                new BucketShape(1, 1))));
        assertThat(tenantFull.refusedBucket()).as("the tenant's bucket refuses first").isZero();
        assertThat(call(Command.EXISTS, RedisBuckets.principalKey(tenant, "agent-3")).toInteger())
                .as("a refused request takes nothing, even from a new principal's bucket").isOne();
        assertThat(call(Command.HGET, RedisBuckets.principalKey(tenant, "agent-3"), "tokens").toString())
                .isEqualTo("1");
    }

    @Test
    void aLimitOfZeroRefusesWithoutAWait() {
        BucketAnswer refused = take(TenantId.random(), new BucketShape(0, 0), Optional.empty());
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMillis()).isEmpty();
    }

    @Test
    void keysAreInTheTenantsSlotHoldNoSubjectAndExpireWithin61Seconds() {
        TenantId tenant = TenantId.random();
        take(tenant, new BucketShape(60, 60), Optional.of(new RedisBuckets.Principal("alice@example.com",
                new BucketShape(30, 30))));
        String tenantKey = RedisBuckets.tenantKey(tenant);
        String principalKey = RedisBuckets.principalKey(tenant, "alice@example.com");
        assertThat(tenantKey).isEqualTo("t:{" + tenant + "}:limits:requests");
        assertThat(principalKey).startsWith(tenantKey + ":principal:").doesNotContain("alice")
                .matches(".*:principal:[0-9a-f]{24}");
        assertThat(List.of(tenantKey, principalKey)).as("the first hash tag, which decides the cluster slot")
                .allSatisfy(key -> assertThat(key.substring(key.indexOf('{'), key.indexOf('}') + 1))
                        .isEqualTo("{" + tenant + "}"));
        for (String key : List.of(tenantKey, principalKey)) {
            assertThat(call(Command.PTTL, key).toLong()).isBetween(1L, 61_000L);
        }
        TenantId zero = TenantId.random();
        take(zero, new BucketShape(0, 0), Optional.empty());
        assertThat(call(Command.PTTL, RedisBuckets.tenantKey(zero)).toLong()).isBetween(1L, 61_000L);
    }

    @Test
    void runsTheScriptWithEvalWhenRedisDoesNotKnowIt() {
        AtomicInteger evalshas = new AtomicInteger();
        List<Command> sent = new ArrayList<>();
        RedisBuckets.Commands forgetful = (command, arguments) -> {
            sent.add(command);
            if (command == Command.EVALSHA && evalshas.getAndIncrement() == 0) {
                return Uni.createFrom().failure(new IllegalStateException("NOSCRIPT No matching script."));
            }
            return commands.send(command, arguments);
        };
        RedisBuckets fresh = new RedisBuckets(forgetful, Duration.ofSeconds(5));
        TenantId tenant = TenantId.random();
        assertThat(fresh.take(tenant, new BucketShape(2, 2), Optional.empty()).await().atMost(Duration.ofSeconds(10)))
                .isEqualTo(BucketAnswer.allowed(1));
        assertThat(fresh.take(tenant, new BucketShape(2, 2), Optional.empty()).await().atMost(Duration.ofSeconds(10)))
                .isEqualTo(BucketAnswer.allowed(0));
        assertThat(sent).containsExactly(Command.EVALSHA, Command.EVAL, Command.EVALSHA);
    }

    private BucketAnswer take(TenantId tenant, BucketShape shape, Optional<RedisBuckets.Principal> principal) {
        return buckets.take(tenant, shape, principal).await().atMost(Duration.ofSeconds(10));
    }

    private static Response call(Command command, String... arguments) {
        return commands.send(command, List.of(arguments)).await().atMost(Duration.ofSeconds(10));
    }

    static Request request(Command command, List<String> arguments) {
        Request request = Request.cmd(command);
        arguments.forEach(request::arg);
        return request;
    }
}
