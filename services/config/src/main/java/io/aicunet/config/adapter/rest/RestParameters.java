package io.aicunet.config.adapter.rest;

import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Numbers and flags in a REST path or query, read here rather than by JAX-RS: JAX-RS
 * answers a query or path parameter it cannot convert with 404 (and takes any text but
 * "true" for false), while the document says what the service does: a malformed or
 * out-of-range parameter is a 400 naming it.
 */
final class RestParameters {

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");

    private RestParameters() {
    }

    /** The integer in {@code text}, {@code absent} when there is none; a violation on {@code field} when malformed or outside [min, max]. */
    static long integer(String field, String text, long absent, long min, long max, List<FieldViolation> violations) {
        if (text == null) {
            return absent;
        }
        if (INTEGER.matcher(text).matches()) {
            try {
                long value = Long.parseLong(text);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException beyondLong) {
                // reported below
            }
        }
        violations.add(new FieldViolation(field, "must be an integer from " + min + " to " + max));
        return absent;
    }

    /** {@code true} or {@code false}, {@code absent} when there is none; a violation on {@code field} otherwise. */
    static boolean flag(String field, String text, boolean absent, List<FieldViolation> violations) {
        if (text == null) {
            return absent;
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        violations.add(new FieldViolation(field, "must be true or false"));
        return absent;
    }
}
