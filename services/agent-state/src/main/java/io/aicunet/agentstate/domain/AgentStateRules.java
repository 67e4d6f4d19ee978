package io.aicunet.agentstate.domain;

import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What makes the parts of an agent-state request valid. Each check adds a violation
 * naming the field (as the API spells it) and says what is expected.
 */
public final class AgentStateRules {

    public static final int KIND_LENGTH_MAX = 100;
    public static final int LABELS_MAX = 32;
    public static final int LABEL_VALUE_LENGTH_MAX = 255;
    public static final int METADATA_ENTRIES_MAX = 32;
    public static final int METADATA_VALUE_LENGTH_MAX = 1024;
    public static final int KEY_LENGTH_MAX = 63;
    public static final int IDEMPOTENCY_KEY_LENGTH_MAX = 128;
    public static final int REASON_LENGTH_MAX = 500;

    private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?");
    private static final Pattern WORKER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}");
    private static final Pattern QUEUE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern TASK_ID = Pattern.compile("[0-9]{1,20}-[0-9]{1,20}");
    /**
     * One character of printable text: ASCII printable ({@code \p{Print}} is ASCII in Java),
     * a letter, mark, number or space separator; no control, format, private-use,
     * surrogate or unassigned character. Public so the OpenAPI document can spell out the
     * same set.
     */
    public static final String PRINTABLE_CHARACTER = "[\\p{Print}\\p{L}\\p{M}\\p{N}\\p{Zs}]";
    private static final Pattern PRINTABLE = Pattern.compile(PRINTABLE_CHARACTER + "*");

    private AgentStateRules() {
    }

    /**
     * A text's length in characters (Unicode code points), as the limits above count it:
     * as PostgreSQL's {@code char_length} does (the agents table checks the kind's with
     * it) and as JSON Schema's {@code maxLength} does, so the OpenAPI document states the
     * limits exactly. A letter beyond the Basic Multilingual Plane is one character, not
     * the two UTF-16 units {@link String#length()} counts.
     */
    static int characters(String text) {
        return text.codePointCount(0, text.length());
    }

    public static void checkKind(String kind, List<FieldViolation> violations) {
        if (kind == null || kind.isBlank() || characters(kind) > KIND_LENGTH_MAX
                || !PRINTABLE.matcher(kind).matches()) {
            violations.add(new FieldViolation("kind",
                    "must be 1 to " + KIND_LENGTH_MAX + " printable characters, not only spaces"));
        }
    }

    public static void checkLabels(Map<String, String> labels, List<FieldViolation> violations) {
        if (labels.size() > LABELS_MAX) {
            violations.add(new FieldViolation("labels", "at most " + LABELS_MAX + " labels"));
            return;
        }
        labels.forEach((key, value) -> {
            if (!LABEL_KEY.matcher(key).matches()) {
                // A bad key is not echoed in the field's name: it may be 10,000 characters or hold
                // control characters, and the error's details must stay small enough to be delivered.
                violations.add(new FieldViolation("labels",
                        "keys must be 1 to 63 lower-case letters, digits and ._/-, starting and ending with a letter"
                                + " or digit"));
            } else if (value == null || characters(value) > LABEL_VALUE_LENGTH_MAX
                    || !PRINTABLE.matcher(value).matches()) {
                violations.add(new FieldViolation("labels." + key,
                        "value must be at most " + LABEL_VALUE_LENGTH_MAX + " printable characters"));
            }
        });
    }

    public static void checkMetadata(Map<String, String> metadata, List<FieldViolation> violations) {
        if (metadata.size() > METADATA_ENTRIES_MAX) {
            violations.add(new FieldViolation("metadata", "at most " + METADATA_ENTRIES_MAX + " entries"));
            return;
        }
        metadata.forEach((key, value) -> {
            if (key.isEmpty() || characters(key) > KEY_LENGTH_MAX || !PRINTABLE.matcher(key).matches()) {
                violations.add(new FieldViolation("metadata",
                        "keys must be 1 to " + KEY_LENGTH_MAX + " printable characters"));
            } else if (value == null || characters(value) > METADATA_VALUE_LENGTH_MAX
                    || !PRINTABLE.matcher(value).matches()) {
                violations.add(new FieldViolation("metadata." + key,
                        "value must be at most " + METADATA_VALUE_LENGTH_MAX + " printable characters"));
            }
        });
    }

    /** A worker (lease holder or queue consumer) id, under the given field name. */
    public static void checkWorker(String field, String worker, List<FieldViolation> violations) {
        if (worker == null || !WORKER.matcher(worker).matches()) {
            violations.add(new FieldViolation(field, "must be 1 to 200 characters of letters, digits and ._:@/-"));
        }
    }

    public static void checkQueue(String queue, List<FieldViolation> violations) {
        if (queue == null || !QUEUE.matcher(queue).matches()) {
            violations.add(new FieldViolation("queue",
                    "must be 1 to 64 lower-case letters, digits, '.', '_' and '-', starting with a letter or digit"));
        }
    }

    public static void checkTaskId(String taskId, List<FieldViolation> violations) {
        if (taskId == null || !TASK_ID.matcher(taskId).matches() || !isStreamId(taskId)) {
            violations.add(new FieldViolation("task_id", "must be a task id as EnqueueTask returned it"));
        }
    }

    /**
     * Whether both parts of a task id fit Redis's stream ids (two unsigned 64-bit numbers):
     * Redis answers a larger one with an error, which is no answer for a client's bad id.
     */
    private static boolean isStreamId(String taskId) {
        int dash = taskId.indexOf('-');
        try {
            Long.parseUnsignedLong(taskId.substring(0, dash));
            Long.parseUnsignedLong(taskId.substring(dash + 1));
            return true;
        } catch (NumberFormatException beyond64Bits) {
            return false;
        }
    }

    public static void checkReason(String reason, List<FieldViolation> violations) {
        if (reason != null && (characters(reason) > REASON_LENGTH_MAX || !PRINTABLE.matcher(reason).matches())) {
            violations.add(new FieldViolation("reason", "must be at most " + REASON_LENGTH_MAX
                    + " printable characters"));
        }
    }

    /** An optional idempotency key: empty means none. */
    public static void checkOptionalIdempotencyKey(String key, List<FieldViolation> violations) {
        if (key != null && !key.isEmpty()) {
            checkIdempotencyKey(key, violations);
        }
    }

    public static void checkIdempotencyKey(String key, List<FieldViolation> violations) {
        if (key == null || key.isBlank() || characters(key) > IDEMPOTENCY_KEY_LENGTH_MAX
                || !PRINTABLE.matcher(key).matches()) {
            violations.add(new FieldViolation("idempotency_key",
                    "must be 1 to " + IDEMPOTENCY_KEY_LENGTH_MAX + " printable characters"));
        }
    }

    public static void checkFencingToken(long token, List<FieldViolation> violations) {
        if (token < 0) {
            violations.add(new FieldViolation("fencing_token", "must be a token ClaimLease returned, or 0 for none"));
        }
    }

    /** A duration in milliseconds between {@code min} and {@code max}. */
    public static void checkMillis(String field, long millis, long min, long max, List<FieldViolation> violations) {
        if (millis < min || millis > max) {
            violations.add(new FieldViolation(field, "must be " + min + " to " + max));
        }
    }
}
