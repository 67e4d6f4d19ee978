package io.aicunet.platform.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a service learns its tenants' quotas ({@link TenantQuotas}). */
@ConfigMapping(prefix = "aicunet.limits")
public interface LimitsConfig {

    /**
     * How long a tenant's quotas are used without asking the tenant service again: a quota
     * change applies on every replica within this time.
     */
    @WithDefault("5")
    long quotaCacheSeconds();

    /**
     * How long, while the tenant service cannot be reached, the quotas last read from it
     * are still served; after that the tenant gets the unknown-tenant quotas until the
     * tenant service answers again.
     */
    @WithDefault("3600")
    long quotaStaleMaxSeconds();

    /** How long one question to the tenant service may take before it counts as unreachable. */
    @WithDefault("1000")
    long quotaTimeoutMillis();

    /** How many tenants' quotas a replica remembers at most; beyond, the oldest answers are forgotten first. */
    @WithDefault("10000")
    int quotaCacheEntriesMax();

    /** The quotas of a tenant the tenant service does not know, or that it was never reached for. */
    UnknownTenant unknownTenant();

    /**
     * The quotas of a tenant unknown to the tenant service. By default those of the
     * smallest tier (FREE): a tenant is known to the tenant service before anyone acts on
     * it, so only a tenant just created (for at most quota-cache-seconds) or a tenant whose
     * quotas were never readable gets these, and it never gets more than the least a real
     * tenant gets.
     */
    interface UnknownTenant {

        @WithDefault("60")
        long requestsPerMinute();

        @WithDefault("100000")
        long tokensPerDay();

        /** 1 GiB. */
        @WithDefault("1073741824")
        long storageBytes();
    }
}
