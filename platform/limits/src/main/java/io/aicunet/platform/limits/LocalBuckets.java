package io.aicunet.platform.limits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * This replica's own buckets, for when Redis cannot be reached: the same arithmetic as
 * {@link RateLimitScript} on this process' monotonic clock, each bucket at the share of
 * the limit the caller passes ({@code aicunet.limits.redis-down-share-percent}), so that
 * several replicas deciding alone together stay near the limit. At most {@code entriesMax}
 * buckets; the least recently used goes first.
 */
public final class LocalBuckets {

    private static final class Bucket {
        double tokens;
        long atNanos;

        Bucket(double tokens, long atNanos) {
            this.tokens = tokens;
            this.atNanos = atNanos;
        }
    }

    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets;

    public LocalBuckets(int entriesMax, LongSupplier nanoClock) {
        if (entriesMax < 2) {
            throw new IllegalArgumentException("local buckets: at least 2 entries, was " + entriesMax);
        }
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > entriesMax;
            }
        };
    }

    /** Takes one request from every named bucket, or from none; keys and shapes pair up by index. */
    public synchronized BucketAnswer take(List<String> keys, List<BucketShape> shapes) {
        if (keys.isEmpty() || keys.size() != shapes.size()) {
            throw new IllegalArgumentException("one shape per key, at least one key: " + keys + ", " + shapes);
        }
        long now = nanoClock.getAsLong();
        List<Bucket> touched = new ArrayList<>(keys.size());
        int refused = -1;
        long wait = 0;
        for (int i = 0; i < keys.size(); i++) {
            BucketShape shape = shapes.get(i);
            Bucket bucket = buckets.computeIfAbsent(keys.get(i), key -> new Bucket(shape.capacity(), now));
            double perNano = shape.perMinute() / 60e9;
            long elapsed = now - bucket.atNanos;
            if (elapsed > 0) {
                bucket.tokens += elapsed * perNano;
                bucket.atNanos = now;
            }
            bucket.tokens = Math.min(bucket.tokens, shape.capacity());
            touched.add(bucket);
            if (bucket.tokens < 1) {
                if (refused < 0) {
                    refused = i;
                }
                if (perNano <= 0) {
                    wait = -1;
                } else if (wait >= 0) {
                    wait = Math.max(wait, (long) Math.ceil((1 - bucket.tokens) / perNano / 1e6));
                }
            }
        }
        if (refused >= 0) {
            return BucketAnswer.refused(refused, wait, (long) Math.floor(touched.get(0).tokens));
        }
        touched.forEach(bucket -> bucket.tokens -= 1);
        return BucketAnswer.allowed((long) Math.floor(touched.get(0).tokens));
    }

    synchronized int size() {
        return buckets.size();
    }
}
