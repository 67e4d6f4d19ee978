package io.aicunet.platform.limits;

import io.aicunet.platform.tenancy.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Takes one request from a tenant's buckets: in Redis (shared by every replica), or, while
 * Redis cannot be reached, from this replica's own buckets at
 * {@code aicunet.limits.redis-down-share-percent} of the limit. After a Redis failure the
 * replica decides alone for {@code aicunet.limits.redis-retry-millis} before it tries Redis
 * again, so an outage costs one timeout per that period, not one per request. Entering and
 * leaving that state is logged once; every failure counts in
 * {@code aicunet.limits.redis.failures}.
 */
public final class RequestRateLimiter {

    private static final Logger LOG = Logger.getLogger(RequestRateLimiter.class);

    /** The answer and whether this replica's own buckets gave it (Redis unreachable). */
    public record Verdict(BucketAnswer answer, boolean local) {
    }

    private final RedisBuckets redis;
    private final LocalBuckets local;
    private final int downSharePercent;
    private final long retryRedisNanos;
    private final LongSupplier nanoClock;
    private final Counter redisFailures;
    private final AtomicLong redisBackAtNanos;
    private volatile boolean degraded;

    public RequestRateLimiter(RedisBuckets redis, LocalBuckets local, int downSharePercent, Duration retryRedisAfter,
                              LongSupplier nanoClock, MeterRegistry meters) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.local = Objects.requireNonNull(local, "local");
        if (downSharePercent < 1 || downSharePercent > 100) {
            throw new IllegalArgumentException("aicunet.limits.redis-down-share-percent is 1 to 100, was "
                    + downSharePercent);
        }
        this.downSharePercent = downSharePercent;
        this.retryRedisNanos = retryRedisAfter.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.redisFailures = meters.counter("aicunet.limits.redis.failures");
        this.redisBackAtNanos = new AtomicLong(nanoClock.getAsLong());
    }

    public Uni<Verdict> take(TenantId tenant, BucketShape tenantShape, Optional<RedisBuckets.Principal> principal) {
        if (degraded && redisBackAtNanos.get() - nanoClock.getAsLong() > 0) {
            return Uni.createFrom().item(locally(tenant, tenantShape, principal));
        }
        return redis.take(tenant, tenantShape, principal)
                .map(answer -> {
                    if (degraded) {
                        degraded = false;
                        LOG.info("Redis answers again: request rate limits are shared by every replica again");
                    }
                    return new Verdict(answer, false);
                })
                .onFailure().recoverWithItem(failure -> {
                    redisFailures.increment();
                    redisBackAtNanos.set(nanoClock.getAsLong() + retryRedisNanos);
                    if (!degraded) {
                        degraded = true;
                        LOG.warnf("Redis cannot be reached (%s): this replica limits requests alone, at %d %% of each"
                                + " limit, and tries Redis again every %d ms", failure.toString(), downSharePercent,
                                retryRedisNanos / 1_000_000);
                    }
                    return locally(tenant, tenantShape, principal);
                });
    }

    private Verdict locally(TenantId tenant, BucketShape tenantShape, Optional<RedisBuckets.Principal> principal) {
        List<String> keys = new ArrayList<>(2);
        List<BucketShape> shapes = new ArrayList<>(2);
        keys.add(RedisBuckets.tenantKey(tenant));
        shapes.add(tenantShape.share(downSharePercent));
        principal.ifPresent(p -> {
            keys.add(RedisBuckets.principalKey(tenant, p.subject()));
            shapes.add(p.shape().share(downSharePercent));
        });
        return new Verdict(local.take(keys, shapes), true);
    }
}
