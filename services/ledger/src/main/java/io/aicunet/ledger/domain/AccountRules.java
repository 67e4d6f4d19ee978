package io.aicunet.ledger.domain;

import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.List;
import java.util.regex.Pattern;

/** What makes an account's code, unit, flags and subject well-formed. */
public final class AccountRules {

    /** Account and transfer codes: what they are for, e.g. {@code usage.llm}. */
    static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** Units of amounts, e.g. {@code EUR_CENT}, {@code CREDIT}, {@code TOKEN}. */
    static final Pattern UNIT = Pattern.compile("[A-Z][A-Z0-9_]{0,31}");

    private AccountRules() {
    }

    public static void checkCode(String field, String code, List<FieldViolation> violations) {
        if (code == null || !CODE.matcher(code).matches()) {
            violations.add(new FieldViolation(field,
                    "must be 1 to 64 characters of lower-case letters, digits and ._-, starting with a letter or digit"));
        }
    }

    public static void checkUnit(String unit, List<FieldViolation> violations) {
        if (unit == null || !UNIT.matcher(unit).matches()) {
            violations.add(new FieldViolation("unit",
                    "must be 1 to 32 characters of upper-case letters, digits and _, starting with a letter"));
        }
    }

    /** The longest data subject id an account may name. */
    public static final int SUBJECT_ID_LENGTH_MAX = 256;

    /**
     * Empty (no subject) or 1 to 256 characters without control characters, not only blanks.
     * Characters are code points, as the column's check ({@code char_length}) and the REST
     * document's {@code maxLength} count them: a character outside the BMP is one, not two.
     */
    public static void checkSubject(String subjectId, List<FieldViolation> violations) {
        if (subjectId != null && !subjectId.isEmpty() && (subjectId.length() > 2 * SUBJECT_ID_LENGTH_MAX
                || subjectId.codePointCount(0, subjectId.length()) > SUBJECT_ID_LENGTH_MAX
                || subjectId.isBlank() || InputChecks.charactersProblem(subjectId, false) != null)) {
            violations.add(new FieldViolation("subject_id", "must be empty or 1 to " + SUBJECT_ID_LENGTH_MAX
                    + " characters without control characters, not only blanks"));
        }
    }

    public static void checkFlags(boolean debitsMustNotExceedCredits, boolean creditsMustNotExceedDebits,
                                  List<FieldViolation> violations) {
        if (debitsMustNotExceedCredits && creditsMustNotExceedDebits) {
            violations.add(new FieldViolation("credits_must_not_exceed_debits",
                    "cannot be set together with debits_must_not_exceed_credits"));
        }
    }
}
