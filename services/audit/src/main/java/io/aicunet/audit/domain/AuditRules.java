package io.aicunet.audit.domain;

import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.List;
import java.util.UUID;

/** The limits of what a direct record may say, each checked with the field it names, and whose log it lands in. */
public final class AuditRules {

    /** The log of events that name no tenant (or a malformed one): the platform's own. */
    public static final UUID PLATFORM_LOG = new UUID(0, 0);

    public static final int ACTOR_LENGTH_MAX = 200;
    public static final int ACTION_LENGTH_MAX = 200;
    public static final int RESOURCE_LENGTH_MAX = 500;
    public static final int OUTCOME_LENGTH_MAX = 50;
    public static final int REASON_LENGTH_MAX = 2000;
    public static final int CORRELATION_ID_LENGTH_MAX = 200;
    public static final int LEGAL_HOLD_REASON_LENGTH_MAX = 500;

    private AuditRules() {
    }

    /**
     * Adds a violation unless {@code value} has 1 to {@code max} characters, not all white
     * space (or none when optional), and no control character but a tab. Characters are
     * Unicode code points, as JSON Schema's {@code maxLength} and PostgreSQL's
     * {@code char_length} count them: an emoji is one character, not two UTF-16 units.
     * An optional text that is only white space is checked like any other, so a line break
     * is refused there too.
     */
    public static void checkText(String field, String value, int max, boolean required, List<FieldViolation> violations) {
        if (value == null) {
            if (required) {
                violations.add(new FieldViolation(field, "is required: 1 to " + max + " characters"));
            }
            return;
        }
        if (required && value.isBlank()) {
            violations.add(new FieldViolation(field, "is required: 1 to " + max + " characters, not only white space"));
            return;
        }
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            violations.add(new FieldViolation(field, "must be at most " + max + " characters, was " + length));
        }
        // A tab is allowed; every other control character and a lone surrogate are not.
        String characters = InputChecks.charactersProblem(value.replace('\t', ' '), false);
        if (characters != null) {
            violations.add(new FieldViolation(field, "must not contain control characters: " + characters));
        }
    }
}
