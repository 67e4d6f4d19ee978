package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Hostile but well-formed values for the edges' tests (every service's HostileValuesTest):
 * the cases a test names, plus a bounded number of generated ones from a fixed seed, so a
 * failure reproduces. What a refusal of them must never be is {@link #BROKEN}.
 */
public final class HostileValues {

    /** gRPC codes that mean the service broke instead of answering the value: never the answer to input. */
    public static final Set<Status.Code> BROKEN = Set.of(Status.Code.INTERNAL, Status.Code.UNKNOWN,
            Status.Code.DATA_LOSS, Status.Code.UNAVAILABLE);

    /** How many generated values each kind adds to the named cases: enough variety, a short run. */
    public static final int GENERATED = 40;

    private HostileValues() {
    }

    /**
     * The named texts followed by {@link #GENERATED} generated ones from {@code seed}: each has
     * a control character the field does not take at a random place, or is longer than
     * {@code lengthMax}.
     *
     * @param allowedControls control characters the field does take (e.g. "\n\t" for a
     *                        multi-line text); a generated one of them is replaced by NUL
     */
    public static List<String> texts(long seed, int lengthMax, String allowedControls, String... named) {
        List<String> texts = new ArrayList<>(Arrays.asList(named));
        Random random = new Random(seed);
        for (int i = 0; i < GENERATED; i++) {
            texts.add(generatedText(random, lengthMax, allowedControls));
        }
        return texts;
    }

    /**
     * Asserts that the gRPC {@code call} is refused, with a code that is not {@link #BROKEN}
     * (and is {@code expected} unless that is null), and that {@code state} reads the same
     * before and after: a refused request changes nothing.
     */
    public static void refusedWithoutChange(String what, Supplier<?> state, Supplier<?> call, Status.Code expected) {
        Object before = state.get();
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::get);
        assertThat(failure).as("%s must be refused", what).isNotNull();
        assertThat(failure.getStatus().getCode()).as("%s: %s", what, failure.getStatus()).isNotIn(BROKEN);
        if (expected != null) {
            assertThat(failure.getStatus().getCode()).as("%s: %s", what, failure.getStatus()).isEqualTo(expected);
        }
        assertThat(state.get()).as("%s: a refused request changes nothing", what).isEqualTo(before);
    }

    /** One text with a control character the field does not take at a random place, or longer than {@code lengthMax}. */
    public static String generatedText(Random random, int lengthMax, String allowedControls) {
        if (random.nextInt(8) == 0) {
            return "y".repeat(lengthMax + 1 + random.nextInt(5_000));
        }
        char control = (char) (random.nextBoolean() ? random.nextInt(0x20) : 0x7F + random.nextInt(0x21));
        if (allowedControls.indexOf(control) >= 0) {
            control = 0;
        }
        String text = "value " + random.nextInt(1_000);
        int at = random.nextInt(text.length() + 1);
        return text.substring(0, at) + control + text.substring(at);
    }
}
