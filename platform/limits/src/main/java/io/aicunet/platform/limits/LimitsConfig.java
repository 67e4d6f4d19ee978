package io.aicunet.platform.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/**
 * How a service learns its tenants' quotas ({@link TenantQuotas}) and holds them to their
 * request rate ({@link RateLimitStep}); docs/rate-limits.md explains each choice.
 */
@ConfigMapping(prefix = "aicunet.limits")
public interface LimitsConfig {

    /**
     * How long a tenant's quotas are used without asking the tenant service again: a quota
     * change applies on every replica within this time.
     */
    @WithDefault("5")
    long quotaCacheSeconds();

    /**
     * How long, while the tenant service cannot be reached, the quotas last read from it
     * are still served; after that the tenant gets the unknown-tenant quotas until the
     * tenant service answers again.
     */
    @WithDefault("3600")
    long quotaStaleMaxSeconds();

    /** How long one question to the tenant service may take before it counts as unreachable. */
    @WithDefault("1000")
    long quotaTimeoutMillis();

    /** How many tenants' quotas a replica remembers at most; beyond, the oldest answers are forgotten first. */
    @WithDefault("10000")
    int quotaCacheEntriesMax();

    /** The quotas of a tenant the tenant service does not know, or that it was never reached for. */
    UnknownTenant unknownTenant();

    /**
     * A tenant's burst, the size of its bucket, in percent of its requests per minute
     * (1-100; rounded up, at least 1 request): at 100 a tenant idle for a minute may send a
     * whole minute's requests at once. It also bounds how long a bucket's key lives (the time
     * it takes to refill, at most 61 s at 100).
     */
    @WithDefault("100")
    int burstPercent();

    /** The limits policy's decision document, under /v1/data (platform/policy aicunet/limits/limits.rego). */
    @WithDefault("aicunet/limits/decision")
    String decisionPath();

    /** How long the limits policy's answer to one question is reused; a policy change applies within it. */
    @WithDefault("5000")
    long decisionCacheMillis();

    /** How many answers of the limits policy are kept at most; emptied when full. */
    @WithDefault("10000")
    int decisionCacheEntriesMax();

    /** How long the bucket script in Redis may take before this replica decides alone. */
    @WithDefault("250")
    long redisTimeoutMillis();

    /** After Redis failed, how long this replica decides alone before it tries Redis again. */
    @WithDefault("1000")
    long redisRetryMillis();

    /**
     * While Redis cannot be reached, each replica keeps its own buckets at this percent of
     * every limit (1-100): with n replicas a tenant gets at most n times this share of its
     * limit, and never nothing.
     */
    @WithDefault("50")
    int redisDownSharePercent();

    /** How many buckets a replica keeps for itself while Redis is down; the least recently used go first. */
    @WithDefault("10000")
    int localBucketsMax();

    /** How many of the tenants refused most get a gauge of their own (aicunet.limits.limited.top). */
    @WithDefault("10")
    int topTenants();

    /** The window over which the tenants refused most are counted. */
    @WithDefault("60")
    long topWindowSeconds();

    /** How many tenants are counted in one window at most (the rest in aicunet.limits.limited.untracked). */
    @WithDefault("10000")
    int topTrackedMax();

    /**
     * The storage quota's settings ({@code aicunet.limits.storage.*}, read where they are
     * used, e.g. StorageMeters), named here only so that this mapping accepts them: a
     * mapping refuses a key under its prefix that it does not know.
     */
    Map<String, String> storage();

    /**
     * The quotas of a tenant unknown to the tenant service. By default those of the
     * smallest tier (FREE): a tenant is known to the tenant service before anyone acts on
     * it, so only a tenant just created (for at most quota-cache-seconds) or a tenant whose
     * quotas were never readable gets these, and it never gets more than the least a real
     * tenant gets.
     */
    interface UnknownTenant {

        @WithDefault("60")
        long requestsPerMinute();

        @WithDefault("100000")
        long tokensPerDay();

        /** 1 GiB. */
        @WithDefault("1073741824")
        long storageBytes();
    }
}
