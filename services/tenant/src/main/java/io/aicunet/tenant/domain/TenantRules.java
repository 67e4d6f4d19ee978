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

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]*[a-z0-9]");
    private static final Pattern PRINTABLE = Pattern.compile("[\\p{Print}\\p{L}\\p{M}\\p{N}\\p{Zs}]+");

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
        if (displayName == null || displayName.isBlank() || displayName.length() > DISPLAY_NAME_LENGTH_MAX) {
            violations.add(new FieldViolation("display_name",
                    "must be 1 to " + DISPLAY_NAME_LENGTH_MAX + " characters, not only spaces"));
        } else if (InputChecks.textProblem(displayName, DISPLAY_NAME_LENGTH_MAX) != null
                || !PRINTABLE.matcher(displayName).matches()) {
            violations.add(new FieldViolation("display_name", "must not contain control characters"));
        }
    }

    public static void checkRegion(String region, Set<String> allowedRegions, List<FieldViolation> violations) {
        if (region == null || !allowedRegions.contains(region)) {
            violations.add(new FieldViolation("region", "must be one of " + allowedRegions.stream().sorted().toList()));
        }
    }

    public static void checkQuotas(long requestsPerMinute, long tokensPerDay, long storageBytes,
                                   List<FieldViolation> violations) {
        if (requestsPerMinute < 0) {
            violations.add(new FieldViolation("quotas.requests_per_minute", "must be zero or more"));
        }
        if (tokensPerDay < 0) {
            violations.add(new FieldViolation("quotas.tokens_per_day", "must be zero or more"));
        }
        if (storageBytes < 0) {
            violations.add(new FieldViolation("quotas.storage_bytes", "must be zero or more"));
        }
    }

    public static void checkRetentionDays(int index, int days, List<FieldViolation> violations) {
        if (days < Retention.DAYS_MIN || days > Retention.DAYS_MAX) {
            violations.add(new FieldViolation("retention[" + index + "].days",
                    "must be " + Retention.DAYS_MIN + " to " + Retention.DAYS_MAX));
        }
    }

    public static void checkIdempotencyKey(String key, List<FieldViolation> violations) {
        if (key == null || key.isBlank() || key.length() > IDEMPOTENCY_KEY_LENGTH_MAX
                || !PRINTABLE.matcher(key).matches()) {
            violations.add(new FieldViolation("idempotency_key",
                    "must be 1 to " + IDEMPOTENCY_KEY_LENGTH_MAX + " printable characters"));
        }
    }

    public static void checkReason(String reason, List<FieldViolation> violations) {
        if (reason == null || reason.isBlank() || reason.length() > REASON_LENGTH_MAX) {
            violations.add(new FieldViolation("reason", "must be 1 to " + REASON_LENGTH_MAX + " characters"));
        } else {
            // The reason travels in TenantSuspended to every consumer: a NUL in it stopped the ledger's.
            InputChecks.checkText("reason", reason, REASON_LENGTH_MAX, violations);
        }
    }
}
