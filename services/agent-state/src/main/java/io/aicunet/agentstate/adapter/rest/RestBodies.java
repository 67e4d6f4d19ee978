package io.aicunet.agentstate.adapter.rest;

import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.util.OptionalLong;

/** Answers and parameter readings shared by the REST resources. */
final class RestBodies {

    /** The longest text an integer parameter is read from: a long has 19 digits, a sign and some notation. */
    private static final int PARAMETER_LENGTH_MAX = 40;

    private RestBodies() {
    }

    static Uni<Response> missingBody() {
        return Uni.createFrom().item(HttpProblems.toResponse(
                Problem.InvalidArgument.of("body", "a JSON body is required")));
    }

    /** A 400 naming one invalid parameter. */
    static Uni<Response> invalid(String field, String detail) {
        return Uni.createFrom().item(HttpProblems.toResponse(Problem.InvalidArgument.of(field, detail)));
    }

    /**
     * An integer query parameter, read here rather than by the framework, which answers a
     * text that is not a number with 404 (JAX-RS's rule for query parameters) instead of
     * a field violation. Absent or empty is 0, as the use cases read it; a whole number
     * may be written as the OpenAPI document's integer allows ({@code 20}, {@code 20.0},
     * {@code 2e1}); empty when the text is no whole number from {@code min} to {@code max}.
     */
    static OptionalLong integerParameter(String text, long min, long max) {
        if (text == null || text.isEmpty()) {
            return OptionalLong.of(0);
        }
        if (text.length() > PARAMETER_LENGTH_MAX) {
            return OptionalLong.empty();
        }
        try {
            BigDecimal value = new BigDecimal(text);
            // The range first: it compares exponents, so 1e999999 is refused without being expanded.
            if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0
                    || (value.signum() != 0 && value.stripTrailingZeros().scale() > 0)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(value.longValueExact());
        } catch (NumberFormatException | ArithmeticException notWhole) {
            return OptionalLong.empty();
        }
    }
}
