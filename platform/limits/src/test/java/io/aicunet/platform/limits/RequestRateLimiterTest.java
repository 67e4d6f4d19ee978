package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.StackRedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves: with Redis at a closed port, a replica limits alone at its share of the limit
 * (exactly half the burst passes at 50 %, then refusals with a wait), counts the failure,
 * and does not try Redis again for the retry time; once Redis answers again the shared
 * bucket decides.
 */
class RequestRateLimiterTest {

    private static Vertx vertx;
    private static Redis closed;
    private static Redis open;

    @BeforeAll
    static void connect() throws IOException {
        FleetStack.ensureRunning();
        vertx = Vertx.vertx();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        closed = Redis.createClient(vertx, "redis://127.0.0.1:" + closedPort);
        open = Redis.createClient(vertx, StackRedisClient.options(StackRedis.ADMIN));
    }

    @AfterAll
    static void disconnect() {
        closed.close();
        open.close();
        vertx.closeAndAwait();
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong(0);
    private final AtomicInteger sent = new AtomicInteger();

    @Test
    void aReplicaThatCannotReachRedisLimitsAloneAtItsShare() {
        RequestRateLimiter limiter = limiter(closed, Duration.ofHours(1));
        TenantId tenant = TenantId.random();
        BucketShape tenMinute = new BucketShape(10, 10);
        for (int i = 0; i < 5; i++) {
            RequestRateLimiter.Verdict verdict = take(limiter, tenant, tenMinute);
            assertThat(verdict.local()).isTrue();
            assertThat(verdict.answer().allowed()).as("request %d of the 5 of a 50 %% share", i + 1).isTrue();
        }
        RequestRateLimiter.Verdict refused = take(limiter, tenant, tenMinute);
        assertThat(refused.local()).isTrue();
        assertThat(refused.answer().allowed()).isFalse();
        assertThat(refused.answer().retryAfterMillis()).contains(12_000L);
        assertThat(meters.counter("aicunet.limits.redis.failures").count()).isEqualTo(1);
        assertThat(sent.get()).as("Redis is not asked again within the retry time").isEqualTo(1);
    }

    @Test
    void theSharedBucketDecidesAgainOnceRedisAnswers() {
        AtomicBoolean redisUp = new AtomicBoolean(false);
        RedisBuckets.Commands switching = (command, arguments) -> {
            sent.incrementAndGet();
            return (redisUp.get() ? open : closed).send(RedisBucketsTest.request(command, arguments));
        };
        RequestRateLimiter limiter = new RequestRateLimiter(new RedisBuckets(switching, Duration.ofSeconds(2)),
                new LocalBuckets(100, nanos::get), 50, Duration.ofMillis(1_000), nanos::get, meters);
        TenantId tenant = TenantId.random();
        BucketShape shape = new BucketShape(4, 4);
        assertThat(take(limiter, tenant, shape).local()).isTrue();
        redisUp.set(true);
        assertThat(take(limiter, tenant, shape).local()).as("within the retry time").isTrue();
        nanos.addAndGet(1_000_000_000L);
        RequestRateLimiter.Verdict shared = take(limiter, tenant, shape);
        assertThat(shared.local()).isFalse();
        assertThat(shared.answer()).isEqualTo(BucketAnswer.allowed(3));
    }

    private RequestRateLimiter limiter(Redis redis, Duration retry) {
        RedisBuckets.Commands counting = (command, arguments) -> {
            sent.incrementAndGet();
            return redis.send(RedisBucketsTest.request(command, arguments));
        };
        return new RequestRateLimiter(new RedisBuckets(counting, Duration.ofSeconds(2)), new LocalBuckets(100, nanos::get),
                50, retry, nanos::get, meters);
    }

    private static RequestRateLimiter.Verdict take(RequestRateLimiter limiter, TenantId tenant, BucketShape shape) {
        return limiter.take(tenant, shape, Optional.empty()).await().atMost(Duration.ofSeconds(10));
    }
}
