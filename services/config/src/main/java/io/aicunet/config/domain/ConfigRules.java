package io.aicunet.config.domain;

import io.aicunet.platform.problem.InputChecks;
import java.util.regex.Pattern;

/** What names, reasons and values must look like. */
public final class ConfigRules {

    /** Dot-separated lower-case words: {@code llm.routing}, {@code agent-state.limits}. */
    public static final String NAMESPACE_REGEX = "[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*";
    public static final Pattern NAMESPACE = Pattern.compile(NAMESPACE_REGEX);
    public static final int NAMESPACE_LENGTH_MAX = 128;
    public static final String KEY_REGEX = "[A-Za-z0-9][A-Za-z0-9_.-]*";
    public static final Pattern KEY = Pattern.compile(KEY_REGEX);
    public static final int KEY_LENGTH_MAX = 128;
    /** A service name as the fleet spells it: {@code agent-state}. */
    public static final String SERVICE_REGEX = "[a-z][a-z0-9-]*";
    public static final Pattern SERVICE = Pattern.compile(SERVICE_REGEX);
    public static final int SERVICE_LENGTH_MAX = 63;
    public static final int REASON_LENGTH_MAX = 500;
    public static final int DESCRIPTION_LENGTH_MAX = 500;

    private ConfigRules() {
    }

    /** Null when fine, else what is wrong. */
    public static String namespaceProblem(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            return "is required";
        }
        if (namespace.length() > NAMESPACE_LENGTH_MAX || !NAMESPACE.matcher(namespace).matches()) {
            return "must be dot-separated lower-case words (a-z, 0-9, _ and -), at most "
                    + NAMESPACE_LENGTH_MAX + " characters, e.g. llm.routing";
        }
        return null;
    }

    public static String keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return "is required";
        }
        if (key.length() > KEY_LENGTH_MAX || !KEY.matcher(key).matches()) {
            return "must be 1 to " + KEY_LENGTH_MAX + " letters, digits and _.- starting with a letter or digit";
        }
        return null;
    }

    public static String serviceProblem(String service) {
        if (service == null || service.isEmpty()) {
            return "is required for this scope";
        }
        if (service.length() > SERVICE_LENGTH_MAX || !SERVICE.matcher(service).matches()) {
            return "must be 1 to " + SERVICE_LENGTH_MAX + " lower-case letters, digits and -, starting with a letter";
        }
        return null;
    }

    public static String reasonProblem(String reason) {
        if (reason == null || reason.isBlank()) {
            return "is required: say why, it is kept with the revision";
        }
        String length = lengthProblem(reason, REASON_LENGTH_MAX);
        return length != null ? length : InputChecks.charactersProblem(reason, false);
    }

    /** A namespace's description: free text over several lines, no other control characters. */
    public static String descriptionProblem(String description) {
        if (description == null) {
            return null;
        }
        String length = lengthProblem(description, DESCRIPTION_LENGTH_MAX);
        return length != null ? length : InputChecks.charactersProblem(description, true);
    }

    /**
     * A reason's or description's length in characters (Unicode code points), as the
     * database's {@code char_length} checks it and as JSON Schema's {@code maxLength}
     * (the REST API's document) counts it; UTF-16 units would refuse 300 emoji that both
     * of those take.
     */
    private static String lengthProblem(String text, int lengthMax) {
        int length = text.codePointCount(0, text.length());
        return length > lengthMax
                ? "is " + length + " characters; at most " + lengthMax + " are allowed"
                : null;
    }

    /**
     * A value's or schema's JSON text before it is parsed: at most {@code valueBytesMax}
     * UTF-8 bytes, at most {@link InputChecks#JSON_DEPTH_MAX} levels deep, no NUL or lone
     * surrogate in its strings and no number beyond a double's range (PostgreSQL's jsonb
     * refuses the first, stores the second as "?", and the parser recursed into the depth).
     */
    public static String valueSizeProblem(String json, int valueBytesMax) {
        return InputChecks.jsonProblem(json, valueBytesMax);
    }
}
