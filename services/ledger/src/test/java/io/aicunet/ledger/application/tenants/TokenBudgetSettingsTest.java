package io.aicunet.ledger.application.tenants;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.ledger.domain.AccountSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token budget's settings, checked when the service starts. */
class TokenBudgetSettingsTest {

    private static final List<AccountSpec> DEFAULTS = ApplyTenantEvent.parseDefaultAccounts(
            List.of("funding:CREDIT", "tokens:TOKEN", "tokens-used:TOKEN"));

    /**
     * Proves: the budget account must be one of the default accounts (its id is derived
     * from the code) and the unknown-tenant budget must not be negative; each mistake
     * names its setting, and the defaults pass.
     */
    @Test
    void aBudgetAccountOutsideTheDefaultsOrANegativeBudgetStopsTheService() {
        assertThatCode(() -> ApplyTenantEvent.checkTokenBudget(DEFAULTS, "tokens", 0)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ApplyTenantEvent.checkTokenBudget(DEFAULTS, "usage", 0))
                .hasMessageContaining("ledger.token-budget.account-code 'usage'")
                .hasMessageContaining("[funding, tokens, tokens-used]");
        assertThatThrownBy(() -> ApplyTenantEvent.checkTokenBudget(DEFAULTS, "tokens", -1))
                .hasMessageContaining("ledger.token-budget.unknown-tenant-tokens-per-day must be 0 or more, not -1");
    }
}
