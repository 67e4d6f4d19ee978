package io.aicunet.tenant.domain;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * A tenant of the platform. Slug and region never change (the region is where its
 * data lives); every change increases the version by one.
 */
public record Tenant(
        TenantId id,
        String slug,
        String displayName,
        String region,
        Tier tier,
        TenantStatus status,
        Quotas quotas,
        Retention retention,
        long version,
        Instant createdAt,
        Instant updatedAt) {

    /** What an erased tenant is called instead of its display name. */
    public static final String ERASED_DISPLAY_NAME = "erased tenant";

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (version < 1) {
            throw new IllegalArgumentException("a tenant's version starts at 1, was " + version);
        }
    }

    /** A new, active tenant at version 1. */
    public static Tenant register(TenantId id, TenantSettings settings, String slug, String region, Instant now) {
        return new Tenant(id, slug, settings.displayName(), region, settings.tier(), TenantStatus.ACTIVE,
                settings.quotas(), settings.retention(), 1, now, now);
    }

    /** Moves to {@code target}, if that move is legal from the current status. */
    public Result<Tenant> moveTo(TenantStatus target, Instant now) {
        if (!status.canBecome(target)) {
            return Result.failed(new Problem.FailedPrecondition("ILLEGAL_STATUS_TRANSITION", "tenants/" + id,
                    "a " + status.name().toLowerCase() + " tenant cannot become " + target.name().toLowerCase()));
        }
        return Result.ok(new Tenant(id, slug, displayName, region, tier, target, quotas, retention,
                version + 1, createdAt, now));
    }

    /** Applies new settings, if the tenant's status still allows changes. */
    public Result<Tenant> change(TenantSettings settings, Instant now) {
        if (!status.isChangeable()) {
            return Result.failed(new Problem.FailedPrecondition("TENANT_NOT_CHANGEABLE", "tenants/" + id,
                    "a " + status.name().toLowerCase() + " tenant's settings cannot change"));
        }
        return Result.ok(new Tenant(id, slug, settings.displayName(), region, settings.tier(), status,
                settings.quotas(), settings.retention(), version + 1, createdAt, now));
    }

    /**
     * The end of offboarding: every service has erased its part, so the tenant keeps
     * only what accounting and the audit trail need. Its display name is replaced.
     */
    public Result<Tenant> erase(Instant now) {
        if (status != TenantStatus.OFFBOARDING) {
            return Result.failed(new Problem.FailedPrecondition("ILLEGAL_STATUS_TRANSITION", "tenants/" + id,
                    "only an offboarding tenant can be erased; this one is " + status.name().toLowerCase()));
        }
        return Result.ok(new Tenant(id, slug, ERASED_DISPLAY_NAME, region, tier, TenantStatus.ERASED, quotas,
                retention, version + 1, createdAt, now));
    }

    public TenantSettings settings() {
        return new TenantSettings(displayName, tier, quotas, retention);
    }
}
