package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Proves: a limit's bucket holds its burst percent of a minute's requests (rounded up, at
 * least 1 above 0, nothing at 0), a share scales it the same way, and shapes and percents
 * out of range are refused.
 */
class BucketShapeTest {

    @Test
    void theBurstIsTheGivenShareOfAMinutesRequests() {
        assertThat(BucketShape.of(60, 100)).isEqualTo(new BucketShape(60, 60));
        assertThat(BucketShape.of(60, 50)).isEqualTo(new BucketShape(30, 60));
        assertThat(BucketShape.of(3, 10)).isEqualTo(new BucketShape(1, 3));
        assertThat(BucketShape.of(0, 100)).isEqualTo(new BucketShape(0, 0));
    }

    @Test
    void aShareScalesCapacityAndRefillAndKeepsAtLeastOneRequest() {
        assertThat(new BucketShape(600, 600).share(50)).isEqualTo(new BucketShape(300, 300));
        assertThat(new BucketShape(1, 1).share(50)).isEqualTo(new BucketShape(1, 1));
        assertThat(new BucketShape(0, 0).share(50)).isEqualTo(new BucketShape(0, 0));
    }

    @Test
    void millisToFullFollowTheRefill() {
        assertThat(new BucketShape(60, 60).millisToFull(0)).isEqualTo(60_000);
        assertThat(new BucketShape(60, 60).millisToFull(59.5)).isEqualTo(500);
        assertThat(new BucketShape(0, 0).millisToFull(0)).isEqualTo(60_000);
    }

    @Test
    void refusesShapesAndPercentsOutOfRange() {
        assertThatThrownBy(() -> new BucketShape(-1, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BucketShape(1, BucketShape.PER_MINUTE_MAX + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BucketShape.of(60, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 100 percent");
        assertThatThrownBy(() -> BucketShape.of(60, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BucketShape(6, 6).share(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
