package io.aicunet.agentstate.application.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What counts as a storable JSON state, as plain logic. */
class JsonDocumentsTest {

    /** Proves: objects, arrays and scalars pass with their UTF-8 size; multi-byte characters count as bytes. */
    @Test
    void acceptsOneDocument() {
        assertThat(check("{\"a\": [1, 2, {\"b\": null}]}", 100)).hasValue(26);
        assertThat(check("[]", 100)).hasValue(2);
        assertThat(check("\"é\"", 100)).hasValue(4);
        assertThat(check("42", 100)).hasValue(2);
    }

    /** Proves: malformed, empty, trailing data, duplicate keys, NUL characters and oversize are refused by name. */
    @Test
    void refusesWhatJsonbWouldMangle() {
        assertRefused("{\"a\": ", 100, "is not JSON");
        assertRefused("   ", 100, "is required");
        assertRefused("{} {}", 100, "data follows");
        assertRefused("1 2", 100, "data follows");
        assertRefused("{\"a\": 1, \"a\": 2}", 100, "is not JSON");
        assertRefused("{\"a\": \"x\\u0000y\"}", 100, "NUL");
        assertRefused("[\"" + "x".repeat(200) + "\"]", 100, "at most 100 bytes");
        assertRefused("\"" + "é".repeat(40) + "\"", 60, "was 82");
    }

    /**
     * Proves: a number whose exponent is beyond +-400 is refused even when it is zero, which
     * PostgreSQL's numeric refuses with 22003 (0e-99999999 was a 500), and so is one whose
     * exponent does not fit an int (1e99999999999); up to 400 is a number. The bound is
     * platform's InputChecks', which every service's JSON goes through.
     */
    @Test
    void refusesExponentsNumericCannotStore() {
        assertRefused("[0e-99999999]", 100, "exponent");
        assertRefused("{\"n\": 0.0E+99999999999}", 100, "exponent");
        assertRefused("[1e99999999999]", 100, "exponent");
        assertRefused("-1E-99999999999", 100, "exponent");
        assertRefused("0e401", 100, "exponent");
        assertThat(check("[0e400, 1.5E-3]", 100)).hasValue(15);
    }

    private static OptionalInt check(String text, int max) {
        List<FieldViolation> violations = new ArrayList<>();
        OptionalInt size = JsonDocuments.check("state_json", text, max, violations);
        assertThat(violations).isEmpty();
        return size;
    }

    private static void assertRefused(String text, int max, String because) {
        List<FieldViolation> violations = new ArrayList<>();
        assertThat(JsonDocuments.check("state_json", text, max, violations)).isEmpty();
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("state_json");
            assertThat(v.description()).contains(because);
        });
    }
}
