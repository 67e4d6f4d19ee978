package io.aicunet.platform.limits;

import java.util.Optional;

/**
 * What taking one request from a tenant's buckets answered: {@code allowed}, or refused by
 * bucket {@code refusedBucket} (0: the tenant's, 1: the principal's) with the wait until a
 * request would pass ({@code retryAfterMillis}; empty when the bucket never refills, at a
 * limit of 0). {@code tokensLeft} is what the tenant's bucket holds afterwards, rounded down.
 */
public record BucketAnswer(boolean allowed, int refusedBucket, Optional<Long> retryAfterMillis, long tokensLeft) {

    public static BucketAnswer allowed(long tokensLeft) {
        return new BucketAnswer(true, -1, Optional.empty(), tokensLeft);
    }

    public static BucketAnswer refused(int bucket, long waitMillis, long tokensLeft) {
        return new BucketAnswer(false, bucket, waitMillis < 0 ? Optional.empty() : Optional.of(waitMillis), tokensLeft);
    }
}
