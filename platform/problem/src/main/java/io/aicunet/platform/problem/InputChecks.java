package io.aicunet.platform.problem;

import io.aicunet.platform.problem.Problem.FieldViolation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.Optional;

/**
 * The fleet's one check of hostile but well-formed values, run where a value enters (a
 * gRPC or REST edge, a use case's validation, a domain rule) before anything reaches the
 * database or an event. Each check returns {@code null} when the value is fine, or a
 * sentence saying what is wrong, ready to become a {@link FieldViolation}; the
 * {@code check*} forms add that violation to a list and say whether the value passed.
 *
 * <ul>
 *   <li><b>Text</b>: no NUL or other control character (C0, DEL, C1), except line feed,
 *       carriage return and tab in a field documented as multi-line; no lone UTF-16
 *       surrogate (the text must survive a UTF-8 round trip unchanged, which PostgreSQL and
 *       protobuf require); at most a length in UTF-16 units. PostgreSQL refuses NUL in
 *       {@code text} (22021) and {@code \u0000} in {@code jsonb} (22P05), and a lone
 *       surrogate is stored as {@code ?}: refused here, they never get that far.</li>
 *   <li><b>Numbers</b>: finite (no NaN, no infinity, {@code 1e999999} is not a number the
 *       fleet stores) and within the field's range.</li>
 *   <li><b>Timestamps</b>: from {@link #TIMESTAMP_MIN} (year 1) to {@link #TIMESTAMP_MAX}
 *       (year 9999), the range of {@code google.protobuf.Timestamp} and of RFC 3339; a
 *       protobuf Timestamp's nanos within 0..999,999,999.</li>
 *   <li><b>JSON text</b>: at most a size in UTF-8 bytes and a nesting depth (default
 *       {@link #JSON_DEPTH_MAX}), no {@code \u0000} or lone surrogate escape in it, and no
 *       number beyond a double's range; checked on the text, before a parser recurses
 *       into it.</li>
 * </ul>
 * Pure Java: usable from a domain.
 */
public final class InputChecks {

    /** The earliest instant a timestamp field takes: 0001-01-01T00:00:00Z. */
    public static final Instant TIMESTAMP_MIN = Instant.parse("0001-01-01T00:00:00Z");
    /** The latest instant a timestamp field takes: 9999-12-31T23:59:59.999999999Z. */
    public static final Instant TIMESTAMP_MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** The deepest nesting of arrays and objects a JSON value may have, unless a field says otherwise. */
    public static final int JSON_DEPTH_MAX = 64;
    /** The most digits before the decimal point of a JSON number: a double's range (1.8e308). */
    static final int JSON_NUMBER_INTEGER_DIGITS_MAX = 309;
    /** The most digits after the decimal point of a JSON number, or in its exponent's magnitude. */
    static final int JSON_NUMBER_FRACTION_DIGITS_MAX = 400;

    private InputChecks() {
    }

    // ---- text -------------------------------------------------------------------------

    /**
     * The UUID written in its canonical 36-character form (hex digits of either case,
     * dashes at 8, 13, 18 and 23, as the OpenAPI documents' {@code format: uuid} has it),
     * or empty. {@link UUID#fromString} alone also takes other texts: it reads
     * {@code 123e4567e-89b-42d3-a456-426614174000} as another id than it looks.
     */
    public static Optional<UUID> uuid(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dashed = i == 8 || i == 13 || i == 18 || i == 23;
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (dashed ? c != '-' : !hex) {
                return Optional.empty();
            }
        }
        return Optional.of(UUID.fromString(text));
    }

    /** What is wrong with a single-line text (no control characters at all); null when fine or null. */
    public static String textProblem(String text, int lengthMax) {
        return textProblem(text, lengthMax, false);
    }

    /** What is wrong with a multi-line text (line feed, carriage return and tab allowed); null when fine or null. */
    public static String multiLineTextProblem(String text, int lengthMax) {
        return textProblem(text, lengthMax, true);
    }

    private static String textProblem(String text, int lengthMax, boolean multiLine) {
        if (text == null) {
            return null;
        }
        if (text.length() > lengthMax) {
            return "is " + text.length() + " characters; at most " + lengthMax + " are allowed";
        }
        return charactersProblem(text, multiLine);
    }

    /** Control characters and lone surrogates, whatever the length; null when fine. */
    public static String charactersProblem(String text, boolean multiLine) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "has a lone UTF-16 surrogate at index " + i + "; text must be well-formed Unicode";
            }
            if (Character.isLowSurrogate(c)) {
                return "has a lone UTF-16 surrogate at index " + i + "; text must be well-formed Unicode";
            }
            if (isControl(c) && !(multiLine && (c == '\n' || c == '\r' || c == '\t'))) {
                return "has a control character (U+" + String.format("%04X", (int) c) + ") at index " + i
                        + (multiLine ? "; only line feed, carriage return and tab are allowed"
                                : "; it must be a single line of printable text");
            }
        }
        return null;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    /** Adds a violation on {@code field} when the single-line text is wrong; true when it is fine. */
    public static boolean checkText(String field, String text, int lengthMax, List<FieldViolation> violations) {
        return add(field, textProblem(text, lengthMax), violations);
    }

    /** Adds a violation on {@code field} when the multi-line text is wrong; true when it is fine. */
    public static boolean checkMultiLineText(String field, String text, int lengthMax,
                                             List<FieldViolation> violations) {
        return add(field, multiLineTextProblem(text, lengthMax), violations);
    }

    // ---- numbers ----------------------------------------------------------------------

    /** What is wrong with a floating-point number: not finite or outside [min, max]; null when fine. */
    public static String numberProblem(double value, double min, double max) {
        if (!Double.isFinite(value)) {
            return "must be a finite number, not " + value;
        }
        if (value < min || value > max) {
            return "must be from " + min + " to " + max + ", not " + value;
        }
        return null;
    }

    /** What is wrong with a decimal number: outside [min, max]; null when fine or null. */
    public static String numberProblem(BigDecimal value, BigDecimal min, BigDecimal max) {
        if (value == null) {
            return null;
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            return "must be from " + min.toPlainString() + " to " + max.toPlainString();
        }
        return null;
    }

    /** What is wrong with an integer: outside [min, max]; null when fine. */
    public static String numberProblem(long value, long min, long max) {
        if (value < min || value > max) {
            return "must be from " + min + " to " + max + ", not " + value;
        }
        return null;
    }

    public static boolean checkNumber(String field, double value, double min, double max,
                                      List<FieldViolation> violations) {
        return add(field, numberProblem(value, min, max), violations);
    }

    public static boolean checkNumber(String field, long value, long min, long max, List<FieldViolation> violations) {
        return add(field, numberProblem(value, min, max), violations);
    }

    // ---- timestamps -------------------------------------------------------------------

    /**
     * What is wrong with a protobuf Timestamp's parts: nanos outside 0..999,999,999, or an
     * instant outside {@link #TIMESTAMP_MIN}..{@link #TIMESTAMP_MAX}; null when fine.
     */
    public static String timestampProblem(long seconds, int nanos) {
        if (nanos < 0 || nanos > 999_999_999) {
            return "has nanos " + nanos + "; they must be from 0 to 999999999";
        }
        if (seconds < TIMESTAMP_MIN.getEpochSecond() || seconds > TIMESTAMP_MAX.getEpochSecond()) {
            return "is " + seconds + " s from the epoch; it must be from " + TIMESTAMP_MIN + " to " + TIMESTAMP_MAX;
        }
        return null;
    }

    /** What is wrong with an instant: outside {@link #TIMESTAMP_MIN}..{@link #TIMESTAMP_MAX}; null when fine or null. */
    public static String timestampProblem(Instant instant) {
        if (instant == null) {
            return null;
        }
        if (instant.isBefore(TIMESTAMP_MIN) || instant.isAfter(TIMESTAMP_MAX)) {
            return "must be from " + TIMESTAMP_MIN + " to " + TIMESTAMP_MAX;
        }
        return null;
    }

    /**
     * A protobuf Timestamp's parts as an instant, never throwing: parts the fleet does not
     * take (beyond what {@link Instant} holds, or nanos outside 0..999,999,999) give an
     * instant after {@link #TIMESTAMP_MAX}, so {@link #timestampProblem(Instant)} refuses it
     * where the value is validated. Lets an edge build its command without failing on
     * 2^62 s (which {@link Instant#ofEpochSecond(long, long)} throws for).
     */
    public static Instant instantOf(long seconds, int nanos) {
        if (nanos < 0 || nanos > 999_999_999 || seconds > Instant.MAX.getEpochSecond()) {
            return Instant.MAX;
        }
        if (seconds < Instant.MIN.getEpochSecond()) {
            return Instant.MIN;
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    public static boolean checkTimestamp(String field, long seconds, int nanos, List<FieldViolation> violations) {
        return add(field, timestampProblem(seconds, nanos), violations);
    }

    public static boolean checkTimestamp(String field, Instant instant, List<FieldViolation> violations) {
        return add(field, timestampProblem(instant), violations);
    }

    // ---- JSON text --------------------------------------------------------------------

    /** {@link #jsonProblem(String, int, int)} with the fleet's {@link #JSON_DEPTH_MAX}. */
    public static String jsonProblem(String json, int bytesMax) {
        return jsonProblem(json, bytesMax, JSON_DEPTH_MAX);
    }

    /**
     * What is wrong with a JSON text beyond its syntax (which its parser checks): more than
     * {@code bytesMax} UTF-8 bytes, nesting deeper than {@code depthMax}, a raw lone
     * surrogate or control character outside a string, a {@code \u0000} or lone surrogate
     * escape in a string, or a number beyond a double's range; null when fine or null.
     * Linear in the text and without recursion, so it is safe on any input.
     */
    public static String jsonProblem(String json, int bytesMax, int depthMax) {
        if (json == null) {
            return null;
        }
        long bytes = utf8Length(json);
        if (bytes > bytesMax) {
            return "is " + bytes + " bytes; at most " + bytesMax + " are allowed";
        }
        int depth = 0;
        boolean inString = false;
        int length = json.length();
        for (int i = 0; i < length; i++) {
            char c = json.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(json.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "has a lone UTF-16 surrogate at index " + i + "; JSON text must be well-formed Unicode";
            }
            if (inString) {
                if (c == '"') {
                    inString = false;
                } else if (c == '\\' && i + 1 < length) {
                    char escaped = json.charAt(++i);
                    if (escaped == 'u' && i + 4 < length) {
                        int unit = hex(json, i + 1);
                        if (unit == 0) {
                            return "has a \\u0000 escape at index " + (i - 1) + "; JSON strings must not hold NUL";
                        }
                        if (unit >= 0xD800 && unit <= 0xDBFF) {
                            boolean paired = i + 10 < length && json.charAt(i + 5) == '\\' && json.charAt(i + 6) == 'u'
                                    && isLowSurrogateUnit(hex(json, i + 7));
                            if (!paired) {
                                return "has a lone surrogate escape at index " + (i - 1)
                                        + "; JSON strings must be well-formed Unicode";
                            }
                            i += 10;
                        } else if (isLowSurrogateUnit(unit)) {
                            return "has a lone surrogate escape at index " + (i - 1)
                                    + "; JSON strings must be well-formed Unicode";
                        } else {
                            i += 4;
                        }
                    }
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '[', '{' -> {
                    depth++;
                    if (depth > depthMax) {
                        return "nests arrays and objects deeper than " + depthMax + " levels";
                    }
                }
                case ']', '}' -> depth--;
                case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
                    int end = numberEnd(json, i);
                    String problem = jsonNumberProblem(json.substring(i, end));
                    if (problem != null) {
                        return problem;
                    }
                    i = end - 1;
                }
                default -> {
                    // structure, whitespace and literals: the parser judges them
                }
            }
        }
        return null;
    }

    public static boolean checkJson(String field, String json, int bytesMax, List<FieldViolation> violations) {
        return add(field, jsonProblem(json, bytesMax), violations);
    }

    private static int numberEnd(String json, int start) {
        int end = start;
        while (end < json.length() && "+-0123456789.eE".indexOf(json.charAt(end)) >= 0) {
            end++;
        }
        return end;
    }

    /** RFC 8259's number grammar. */
    private static final java.util.regex.Pattern JSON_NUMBER =
            java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    /** A JSON number beyond what the fleet stores: more integer digits or exponent than a double holds. */
    private static String jsonNumberProblem(String number) {
        BigDecimal value;
        try {
            if (number.length() > JSON_NUMBER_INTEGER_DIGITS_MAX + JSON_NUMBER_FRACTION_DIGITS_MAX + 10) {
                return "has a number of " + number.length() + " characters; numbers must fit a double's range";
            }
            value = new BigDecimal(number);
        } catch (NumberFormatException | ArithmeticException unreadable) {
            // A well-formed JSON number BigDecimal cannot hold has an exponent beyond an int
            // (1e99999999999), which the parser reads and PostgreSQL refuses (22003). Anything
            // else is no JSON number, and the parser names the syntax error.
            return JSON_NUMBER.matcher(number).matches()
                    ? "has the number " + abbreviated(number) + ", with an exponent beyond " + JSON_NUMBER_FRACTION_DIGITS_MAX
                    : null;
        }
        if (value.signum() == 0) {
            // Zero whatever the exponent, but PostgreSQL's numeric refuses 0e-99999999 (22003):
            // bound the exponent of a zero as that of any other number.
            return Math.abs((long) value.scale()) > JSON_NUMBER_FRACTION_DIGITS_MAX
                    ? "has the number " + abbreviated(number) + ", with an exponent beyond "
                    + JSON_NUMBER_FRACTION_DIGITS_MAX
                    : null;
        }
        long integerDigits = (long) value.precision() - value.scale();
        if (integerDigits > JSON_NUMBER_INTEGER_DIGITS_MAX || value.abs().doubleValue() > Double.MAX_VALUE) {
            return "has the number " + abbreviated(number) + ", beyond a double's range (about 1.8e308)";
        }
        if (value.scale() > JSON_NUMBER_FRACTION_DIGITS_MAX) {
            return "has the number " + abbreviated(number) + ", with more than " + JSON_NUMBER_FRACTION_DIGITS_MAX
                    + " digits after the decimal point";
        }
        return null;
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    private static boolean isLowSurrogateUnit(int unit) {
        return unit >= 0xDC00 && unit <= 0xDFFF;
    }

    /** The value of four hex digits at {@code start}, or -1 if they are not hex. */
    private static int hex(String text, int start) {
        int value = 0;
        for (int i = start; i < start + 4; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static boolean add(String field, String problem, List<FieldViolation> violations) {
        if (problem == null) {
            return true;
        }
        violations.add(new FieldViolation(field, problem));
        return false;
    }
}
