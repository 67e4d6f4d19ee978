package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Proves: a replica's own bucket lets exactly its capacity through at once, refuses the
 * next with the wait until one request has refilled, refills with its clock and never
 * above capacity; two buckets are taken from together or not at all; a limit of 0 refuses
 * with no wait; the least recently used bucket is forgotten when full.
 */
class LocalBucketsTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final LocalBuckets buckets = new LocalBuckets(3, nanos::get);

    @Test
    void exactlyTheCapacityPassesThenTheWaitIsTheRefillOfOneRequest() {
        BucketShape sixtyAMinute = new BucketShape(5, 60);
        for (int i = 4; i >= 0; i--) {
            assertThat(take("a", sixtyAMinute)).isEqualTo(BucketAnswer.allowed(i));
        }
        BucketAnswer refused = take("a", sixtyAMinute);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusedBucket()).isZero();
        assertThat(refused.retryAfterMillis()).contains(1_000L);

        nanos.addAndGet(998_000_000L);
        assertThat(take("a", sixtyAMinute).allowed()).isFalse();
        nanos.addAndGet(4_000_000L);
        assertThat(take("a", sixtyAMinute).allowed()).isTrue();

        nanos.addAndGet(3_600_000_000_000L);
        assertThat(take("a", sixtyAMinute)).as("refilled to the capacity, not beyond").isEqualTo(BucketAnswer.allowed(4));
    }

    @Test
    void twoBucketsAreTakenFromTogetherOrNotAtAll() {
        BucketShape tenant = new BucketShape(3, 60);
        BucketShape principal = new BucketShape(1, 30);
        assertThat(buckets.take(List.of("t", "p"), List.of(tenant, principal)).allowed()).isTrue();
        BucketAnswer refused = buckets.take(List.of("t", "p"), List.of(tenant, principal));
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusedBucket()).isEqualTo(1);
        assertThat(refused.retryAfterMillis()).contains(2_000L);
        assertThat(refused.tokensLeft()).as("the tenant's bucket kept its requests").isEqualTo(2);
        assertThat(take("t", tenant)).isEqualTo(BucketAnswer.allowed(1));
    }

    @Test
    void aLimitOfZeroRefusesWithoutAWait() {
        BucketAnswer refused = take("z", new BucketShape(0, 0));
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMillis()).isEqualTo(Optional.empty());
    }

    @Test
    void forgetsTheLeastRecentlyUsedBucketWhenFull() {
        BucketShape one = new BucketShape(1, 1);
        take("a", one);
        take("b", one);
        take("c", one);
        take("b", one);
        take("d", one);
        assertThat(buckets.size()).isEqualTo(3);
        assertThat(take("a", one).allowed()).as("a was forgotten: a full bucket again").isTrue();
        assertThat(take("b", one).allowed()).isFalse();
    }

    @Test
    void refusesKeysWithoutShapes() {
        assertThatThrownBy(() -> buckets.take(List.of("a", "b"), List.of(new BucketShape(1, 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private BucketAnswer take(String key, BucketShape shape) {
        return buckets.take(List.of(key), List.of(shape));
    }
}
