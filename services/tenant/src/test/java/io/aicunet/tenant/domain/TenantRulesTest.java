package io.aicunet.tenant.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves: the single-line text rule (display names, reasons, idempotency keys) takes any
 * visible text the OpenAPI document's pattern calls valid, punctuation and symbols beyond
 * ASCII and letters outside the Basic Multilingual Plane included, counts characters as
 * code points like JSON Schema's maxLength, and refuses control, line-separator and
 * invisible format characters, lone surrogates and texts of spaces only.
 */
class TenantRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"Acme", "O’Reilly", "Café — GmbH", "€ 5", "株式会社", "a\u00a0b", " trimmed ",
        "\uD835\uDC00\uD835\uDC01", "🙂", "x"})
    void visibleTextIsTaken(String text) {
        assertThat(violations(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\u00a0\u3000", "a\u0000b", "tab\there", "line\nbreak", "c1\u0085", "del\u007f",
        "a\u2028b", "evil\u202egnp.exe", "zero\u200bwidth", "\ufeffbom", "soft\u00adhyphen", "lone\ud800"})
    void invisibleOrBrokenTextIsRefused(String text) {
        assertThat(violations(text)).extracting(FieldViolation::field).containsExactly("display_name");
    }

    @ParameterizedTest
    @ValueSource(ints = {TenantRules.DISPLAY_NAME_LENGTH_MAX, TenantRules.DISPLAY_NAME_LENGTH_MAX + 1})
    void lengthCountsCodePoints(int letters) {
        String astral = "\uD835\uDC00".repeat(letters);
        assertThat(violations(astral)).hasSize(letters > TenantRules.DISPLAY_NAME_LENGTH_MAX ? 1 : 0);
    }

    private static List<FieldViolation> violations(String displayName) {
        List<FieldViolation> violations = new ArrayList<>();
        TenantRules.checkDisplayName(displayName, violations);
        return violations;
    }
}
