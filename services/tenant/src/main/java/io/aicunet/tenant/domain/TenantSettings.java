package io.aicunet.tenant.domain;

import java.util.Objects;

/** What may change about a tenant after it is registered. */
public record TenantSettings(String displayName, Tier tier, Quotas quotas, Retention retention) {

    public TenantSettings {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(retention, "retention");
    }
}
