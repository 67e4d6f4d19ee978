package io.aicunet.platform.limits;

/**
 * The size and refill of one token bucket: it holds at most {@code capacity} requests
 * (the burst) and gains {@code perMinute} requests per minute, continuously. A bucket of
 * capacity 0 lets nothing through; one with {@code perMinute} 0 never refills.
 */
public record BucketShape(long capacity, long perMinute) {

    /** The most a tenant's quota may say (the tenant service refuses more): keeps the arithmetic exact. */
    public static final long PER_MINUTE_MAX = 1_000_000_000L;

    public BucketShape {
        if (capacity < 0 || perMinute < 0 || perMinute > PER_MINUTE_MAX || capacity > PER_MINUTE_MAX) {
            throw new IllegalArgumentException("a bucket holds 0 to " + PER_MINUTE_MAX + " requests and gains 0 to "
                    + PER_MINUTE_MAX + " a minute: capacity " + capacity + ", per minute " + perMinute);
        }
    }

    /**
     * The bucket of a limit of {@code perMinute} requests a minute whose burst is
     * {@code burstPercent} % of a minute's requests (rounded up; at least 1 request when the
     * limit is above 0, so a tiny limit still lets a request through now and then).
     */
    public static BucketShape of(long perMinute, int burstPercent) {
        checkPercent(burstPercent, "burst");
        long limit = Math.min(perMinute, PER_MINUTE_MAX);
        if (limit <= 0) {
            return new BucketShape(0, 0);
        }
        return new BucketShape(Math.max(1, ceilPercent(limit, burstPercent)), limit);
    }

    /** This bucket scaled to {@code percent} % (capacity and refill; at least 1 request when above 0). */
    public BucketShape share(int percent) {
        checkPercent(percent, "share");
        if (perMinute == 0 && capacity == 0) {
            return this;
        }
        return new BucketShape(Math.max(capacity == 0 ? 0 : 1, ceilPercent(capacity, percent)),
                Math.max(perMinute == 0 ? 0 : 1, ceilPercent(perMinute, percent)));
    }

    /** Milliseconds until the bucket is full again from {@code tokens}; 60 s when it never refills. */
    public long millisToFull(double tokens) {
        if (perMinute == 0) {
            return 60_000;
        }
        return (long) Math.ceil(Math.max(0, capacity - tokens) * 60_000d / perMinute);
    }

    private static long ceilPercent(long value, int percent) {
        return (value * percent + 99) / 100;
    }

    private static void checkPercent(int percent, String what) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("a " + what + " is 1 to 100 percent, was " + percent);
        }
    }
}
