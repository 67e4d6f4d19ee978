package io.aicunet.tenant.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a tenant is in its life. Only these moves are legal:
 * active ⇄ suspended, active or suspended → offboarding → erased.
 */
public enum TenantStatus {
    ACTIVE,
    SUSPENDED,
    OFFBOARDING,
    ERASED;

    public Set<TenantStatus> next() {
        return switch (this) {
            case ACTIVE -> EnumSet.of(SUSPENDED, OFFBOARDING);
            case SUSPENDED -> EnumSet.of(ACTIVE, OFFBOARDING);
            case OFFBOARDING -> EnumSet.of(ERASED);
            case ERASED -> EnumSet.noneOf(TenantStatus.class);
        };
    }

    public boolean canBecome(TenantStatus target) {
        return next().contains(target);
    }

    /** Whether the tenant's settings (name, tier, quotas, retention) may still change. */
    public boolean isChangeable() {
        return this == ACTIVE || this == SUSPENDED;
    }
}
