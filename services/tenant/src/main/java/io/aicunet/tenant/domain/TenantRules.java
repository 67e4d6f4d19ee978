package io.aicunet.tenant.domain;

import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What makes the parts of a tenant request valid. Each check adds a violation
 * naming the field (as the API spells it) and says what is expected.
 */
public final class TenantRules {

    public static final int SLUG_LENGTH_MIN = 3;
    public static final int SLUG_LENGTH_MAX = 63;
    public static final int DISPLAY_NAME_LENGTH_MAX = 200;
    public static final int IDEMPOTENCY_KEY_LENGTH_MAX = 128;
    public static final int REASON_LENGTH_MAX = 500;

    /**
     * The largest quotas a tenant can be given: far above any tier (ENTERPRISE is 6,000
     * requests a minute, 10^8 tokens a day, 1 TiB), and low enough that the services'
     * arithmetic on them (token buckets, budgets, byte counts) cannot overflow.
     */
    public static final long REQUESTS_PER_MINUTE_MAX = 10_000_000L;
    public static final long TOKENS_PER_DAY_MAX = 1_000_000_000_000L;
    public static final long STORAGE_BYTES_MAX = 1L << 50;

    /** A slug: lower-case letters, digits and '-', starting and ending with a letter or digit. */
    public static final String SLUG_PATTERN = "^[a-z0-9][a-z0-9-]*[a-z0-9]$";

    /**
     * What a single-line text never holds: control characters (C0, DEL, C1), line and
     * paragraph separators, and the invisible format characters that hide or reorder text
     * (soft hyphen, zero-width and bidirectional marks, word joiners, byte-order mark,
     * interlinear annotations). Written with escapes every regular-expression dialect
     * reads alike (Java here, ECMA 262 and Python in OpenAPI tools).
     */
    private static final String NEVER_IN_TEXT = "\\x00-\\x1f\\x7f-\\x9f\\u00ad\\u061c\\u180e"
            + "\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb";
    /** The space characters: a text of nothing else is blank. */
    private static final String SPACES = " \\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000";

    /**
     * A single line of visible text (display names, reasons, idempotency keys): any
     * characters but {@link #NEVER_IN_TEXT}, at least one of them not a space. The OpenAPI
     * document states the same pattern, so what it calls valid the service accepts.
     * (Lone UTF-16 surrogates are refused too, by {@link InputChecks#charactersProblem};
     * JSON Schema's regular expressions cannot name them.)
     */
    public static final String TEXT_PATTERN = "^[^" + NEVER_IN_TEXT + "]*[^" + NEVER_IN_TEXT + SPACES + "][^"
            + NEVER_IN_TEXT + "]*$";

    private static final Pattern SLUG = Pattern.compile(SLUG_PATTERN);
    private static final Pattern TEXT = Pattern.compile(TEXT_PATTERN);

    private TenantRules() {
    }

    public static void checkSlug(String slug, List<FieldViolation> violations) {
        if (slug == null || slug.length() < SLUG_LENGTH_MIN || slug.length() > SLUG_LENGTH_MAX) {
            violations.add(new FieldViolation("slug",
                    "must be " + SLUG_LENGTH_MIN + " to " + SLUG_LENGTH_MAX + " characters"));
        } else if (!SLUG.matcher(slug).matches()) {
            violations.add(new FieldViolation("slug",
                    "must be lower-case letters, digits and '-', starting and ending with a letter or digit"));
        }
    }

    public static void checkDisplayName(String displayName, List<FieldViolation> violations) {
        checkText("display_name", displayName, DISPLAY_NAME_LENGTH_MAX, violations);
    }

    public static void checkRegion(String region, Set<String> allowedRegions, List<FieldViolation> violations) {
        if (region == null || !allowedRegions.contains(region)) {
            violations.add(new FieldViolation("region", "must be one of " + allowedRegions.stream().sorted().toList()));
        }
    }

    public static void checkQuotas(long requestsPerMinute, long tokensPerDay, long storageBytes,
                                   List<FieldViolation> violations) {
        checkQuota("quotas.requests_per_minute", requestsPerMinute, REQUESTS_PER_MINUTE_MAX, violations);
        checkQuota("quotas.tokens_per_day", tokensPerDay, TOKENS_PER_DAY_MAX, violations);
        checkQuota("quotas.storage_bytes", storageBytes, STORAGE_BYTES_MAX, violations);
    }

    private static void checkQuota(String field, long value, long max, List<FieldViolation> violations) {
        if (value < 0 || value > max) {
            violations.add(new FieldViolation(field, "must be 0 to " + max));
        }
    }

    public static void checkRetentionDays(int index, int days, List<FieldViolation> violations) {
        if (days < Retention.DAYS_MIN || days > Retention.DAYS_MAX) {
            violations.add(new FieldViolation("retention[" + index + "].days",
                    "must be " + Retention.DAYS_MIN + " to " + Retention.DAYS_MAX));
        }
    }

    public static void checkIdempotencyKey(String key, List<FieldViolation> violations) {
        checkText("idempotency_key", key, IDEMPOTENCY_KEY_LENGTH_MAX, violations);
    }

    public static void checkReason(String reason, List<FieldViolation> violations) {
        // The reason travels in TenantSuspended to every consumer: a NUL in it stopped the ledger's.
        checkText("reason", reason, REASON_LENGTH_MAX, violations);
    }

    /**
     * A required single line of visible text of 1 to {@code lengthMax} characters, counted
     * as Unicode code points (as JSON Schema's {@code maxLength} counts them, so a letter
     * outside the Basic Multilingual Plane is one character, not two).
     */
    private static void checkText(String field, String text, int lengthMax, List<FieldViolation> violations) {
        if (text == null || text.isEmpty() || text.length() > 2 * lengthMax
                || text.codePointCount(0, text.length()) > lengthMax) {
            violations.add(new FieldViolation(field, "must be 1 to " + lengthMax + " characters"));
        } else if (InputChecks.charactersProblem(text, false) != null || !TEXT.matcher(text).matches()) {
            violations.add(new FieldViolation(field, "must be a single line of visible text: no control,"
                    + " line-separator or invisible format characters, and not only spaces"));
        }
    }
}
