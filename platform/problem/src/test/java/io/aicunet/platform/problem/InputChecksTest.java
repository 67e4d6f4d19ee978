package io.aicunet.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.Problem.FieldViolation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves: the fleet's one input check refuses NUL, other control characters and lone
 * surrogates in text (newlines and tabs only where a field is multi-line), overlong
 * text, non-finite and out-of-range numbers, timestamps outside years 1..9999 and bad
 * protobuf nanos, and JSON text that is too deep, too large, holds a NUL or lone
 * surrogate escape or a number like 1e999999; and that it lets ordinary values pass.
 */
class InputChecksTest {

    @Test
    void ordinaryTextPasses() {
        assertThat(InputChecks.textProblem("Budget für Q3 – 🚀 ok", 100)).isNull();
        assertThat(InputChecks.textProblem(null, 10)).isNull();
        assertThat(InputChecks.multiLineTextProblem("line one\nline two\r\n\tindented", 100)).isNull();
    }

    @Test
    void controlCharactersAreRefused() {
        assertThat(InputChecks.textProblem("a\u0000b", 100)).contains("U+0000").contains("index 1");
        assertThat(InputChecks.textProblem("a\nb", 100)).contains("U+000A");
        assertThat(InputChecks.textProblem("a\u007Fb", 100)).contains("U+007F");
        assertThat(InputChecks.textProblem("a\u0085b", 100)).contains("U+0085");
        assertThat(InputChecks.multiLineTextProblem("a\u0000b", 100)).contains("U+0000");
        assertThat(InputChecks.multiLineTextProblem("a\u001Bb", 100)).contains("U+001B");
    }

    @Test
    void loneSurrogatesAreRefused() {
        assertThat(InputChecks.textProblem("\ud800", 100)).contains("lone UTF-16 surrogate");
        assertThat(InputChecks.textProblem("a\udc00", 100)).contains("lone UTF-16 surrogate");
        assertThat(InputChecks.textProblem("\udc00\ud800", 100)).contains("lone UTF-16 surrogate");
        assertThat(InputChecks.textProblem("\ud83d\ude80", 100)).isNull();
    }

    @Test
    void longTextIsRefused() {
        assertThat(InputChecks.textProblem("x".repeat(11), 10)).contains("at most 10");
        assertThat(InputChecks.textProblem("x".repeat(10), 10)).isNull();
    }

    @Test
    void numbersMustBeFiniteAndInRange() {
        assertThat(InputChecks.numberProblem(Double.NaN, 0, 1)).contains("finite");
        assertThat(InputChecks.numberProblem(Double.POSITIVE_INFINITY, 0, 1)).contains("finite");
        assertThat(InputChecks.numberProblem(Double.parseDouble("1e999999"), 0, Double.MAX_VALUE)).contains("finite");
        assertThat(InputChecks.numberProblem(2.0, 0, 1)).contains("from 0.0 to 1.0");
        assertThat(InputChecks.numberProblem(0.5, 0, 1)).isNull();
        assertThat(InputChecks.numberProblem(-1, 0, 10)).contains("from 0 to 10");
        assertThat(InputChecks.numberProblem(new BigDecimal("1e999999"), BigDecimal.ZERO, BigDecimal.TEN))
                .contains("from 0 to 10");
    }

    @Test
    void timestampsStayWithinYearsOneTo9999() {
        assertThat(InputChecks.timestampProblem(0, 0)).isNull();
        assertThat(InputChecks.timestampProblem(InputChecks.TIMESTAMP_MAX.getEpochSecond(), 999_999_999)).isNull();
        assertThat(InputChecks.timestampProblem(1L << 62, 0)).contains("must be from 0001-01-01T00:00:00Z");
        assertThat(InputChecks.timestampProblem(InputChecks.TIMESTAMP_MIN.getEpochSecond() - 1, 0)).isNotNull();
        assertThat(InputChecks.timestampProblem(0, -1)).contains("nanos");
        assertThat(InputChecks.timestampProblem(0, 1_000_000_000)).contains("nanos");
        assertThat(InputChecks.timestampProblem(Instant.parse("+1000000000-01-01T00:00:00Z"))).isNotNull();
        assertThat(InputChecks.timestampProblem(Instant.parse("2026-01-01T00:00:00Z"))).isNull();
    }

    @Test
    void timestampPartsBecomeInstantsWithoutThrowing() {
        assertThat(InputChecks.timestampProblem(InputChecks.instantOf(1L << 62, 0))).isNotNull();
        assertThat(InputChecks.timestampProblem(InputChecks.instantOf(-(1L << 62), 0))).isNotNull();
        assertThat(InputChecks.timestampProblem(InputChecks.instantOf(0, -5))).isNotNull();
        assertThat(InputChecks.instantOf(1, 2)).isEqualTo(Instant.ofEpochSecond(1, 2));
    }

    @Test
    void ordinaryJsonPasses() {
        assertThat(InputChecks.jsonProblem("{\"a\":[1,2.5,-3e10,{\"b\":\"x\\u00e9\\ud83d\\ude80\\\"]\"}],\"c\":null}", 1000))
                .isNull();
        assertThat(InputChecks.jsonProblem("\"[[[[\"", 1000, 2)).isNull();
    }

    @Test
    void deepJsonIsRefusedWithoutRecursion() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        assertThat(InputChecks.jsonProblem(deep, 100_000)).contains("deeper than 64");
        String justDeepEnough = "[".repeat(64) + "]".repeat(64);
        assertThat(InputChecks.jsonProblem(justDeepEnough, 100_000)).isNull();
    }

    @Test
    void jsonWithNulOrLoneSurrogateEscapesIsRefused() {
        assertThat(InputChecks.jsonProblem("{\"a\":\"x\\u0000\"}", 1000)).contains("\\u0000");
        assertThat(InputChecks.jsonProblem("\"\\ud800\"", 1000)).contains("lone surrogate");
        assertThat(InputChecks.jsonProblem("\"\\udc00\"", 1000)).contains("lone surrogate");
        assertThat(InputChecks.jsonProblem("\"\\ud800\\u0041\"", 1000)).contains("lone surrogate");
        assertThat(InputChecks.jsonProblem("\"\ud800\"", 1000)).contains("lone UTF-16 surrogate");
        assertThat(InputChecks.jsonProblem("\"\\\\u0000\"", 1000)).as("an escaped backslash, then text").isNull();
    }

    @Test
    void hugeJsonNumbersAreRefused() {
        assertThat(InputChecks.jsonProblem("1e999999", 1000)).contains("beyond a double's range");
        assertThat(InputChecks.jsonProblem("{\"a\":[-1E400]}", 1000)).contains("beyond a double's range");
        assertThat(InputChecks.jsonProblem("1e-999999", 1000)).contains("digits after the decimal point");
        assertThat(InputChecks.jsonProblem("1" + "0".repeat(400), 1000)).contains("beyond a double's range");
        assertThat(InputChecks.jsonProblem("1.7976931348623157e308", 1000)).isNull();
        assertThat(InputChecks.jsonProblem("[0e-99999999]", 1000)).as("a zero, but not for PostgreSQL's numeric")
                .contains("exponent beyond 400");
        assertThat(InputChecks.jsonProblem("0E+999999", 1000)).contains("exponent beyond 400");
        assertThat(InputChecks.jsonProblem("[0, 0.0, 0e10, -0.0e-399]", 1000)).isNull();
    }

    @Test
    void largeJsonIsRefusedByUtf8Bytes() {
        assertThat(InputChecks.jsonProblem("\"" + "é".repeat(10) + "\"", 21)).contains("22 bytes");
        assertThat(InputChecks.jsonProblem("\"" + "é".repeat(10) + "\"", 22)).isNull();
    }

    @Test
    void checksAddNamedViolations() {
        List<FieldViolation> violations = new ArrayList<>();
        assertThat(InputChecks.checkText("reason", "ok", 10, violations)).isTrue();
        assertThat(InputChecks.checkText("reason", "a\u0000", 10, violations)).isFalse();
        assertThat(InputChecks.checkTimestamp("as_of", 1L << 62, 0, violations)).isFalse();
        assertThat(violations).extracting(FieldViolation::field).containsExactly("reason", "as_of");
    }

    @org.junit.jupiter.api.Test
    void aUuidIsReadOnlyInItsCanonicalForm() {
        assertThat(InputChecks.uuid("123e4567-e89b-42d3-a456-426614174000")).map(java.util.UUID::toString)
                .contains("123e4567-e89b-42d3-a456-426614174000");
        assertThat(InputChecks.uuid("123E4567-E89B-42D3-A456-426614174000")).isPresent();
        for (String notCanonical : new String[] {"123e4567e-89b-42d3-a456-426614174000",
            "123e4567-e89b-42d3-a456-42661417400", "123e4567-e89b-42d3-a456-4266141740000", "123e4567-e89b-42d3-a456+426614174000",
            "123g4567-e89b-42d3-a456-426614174000", "１23e4567-e89b-42d3-a456-426614174000", "", "platform"}) {
            assertThat(InputChecks.uuid(notCanonical)).as(notCanonical).isEmpty();
        }
        assertThat(InputChecks.uuid(null)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aJsonNumberWithAnExponentBeyondAnIntIsRefused() {
        for (String json : new String[] {"[1e99999999999]", "-1E-99999999999", "{\"a\": 0.0E+99999999999}"}) {
            assertThat(InputChecks.jsonProblem(json, 1_000)).as(json).contains("exponent");
        }
        assertThat(InputChecks.jsonProblem("[1e308, -2.5E-300, 0e0]", 1_000)).isNull();
    }
}
