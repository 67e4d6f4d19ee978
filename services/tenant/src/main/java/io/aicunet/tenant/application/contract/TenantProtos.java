package io.aicunet.tenant.application.contract;

import io.aicunet.platform.privacy.DataClass;

import com.google.protobuf.Timestamp;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.TenantStatus;
import io.aicunet.contracts.tenant.v1.Tier;
import io.aicunet.tenant.domain.Tenant;
import java.time.Instant;
import java.util.Locale;

/** Tenants as the contracts spell them, for the gRPC edge and for event payloads. */
public final class TenantProtos {

    private TenantProtos() {
    }

    public static io.aicunet.contracts.tenant.v1.Tenant toProto(Tenant tenant) {
        io.aicunet.contracts.tenant.v1.Tenant.Builder proto = io.aicunet.contracts.tenant.v1.Tenant.newBuilder()
                .setId(tenant.id().toString())
                .setSlug(tenant.slug())
                .setDisplayName(tenant.displayName())
                .setRegion(tenant.region())
                .setTier(Tier.valueOf("TIER_" + tenant.tier().name()))
                .setStatus(TenantStatus.valueOf("TENANT_STATUS_" + tenant.status().name()))
                .setQuotas(Quotas.newBuilder()
                        .setRequestsPerMinute(tenant.quotas().requestsPerMinute())
                        .setTokensPerDay(tenant.quotas().tokensPerDay())
                        .setStorageBytes(tenant.quotas().storageBytes()))
                .setVersion(tenant.version())
                .setCreatedAt(timestamp(tenant.createdAt()))
                .setUpdatedAt(timestamp(tenant.updatedAt()));
        tenant.retention().days().forEach((dataClass, days) -> proto.addRetention(
                RetentionPeriod.newBuilder().setDataClass(dataClass.wireName()).setDays(days)));
        return proto.build();
    }

    /** The wire name of a proto tier ({@code standard}), or null when unspecified. */
    public static String wireName(Tier tier) {
        return tier == Tier.TIER_UNSPECIFIED || tier == Tier.UNRECOGNIZED
                ? null
                : tier.name().substring("TIER_".length()).toLowerCase(Locale.ROOT);
    }

    /** The wire name of a proto status ({@code active}), or null when unspecified. */
    public static String wireName(TenantStatus status) {
        return status == TenantStatus.TENANT_STATUS_UNSPECIFIED || status == TenantStatus.UNRECOGNIZED
                ? null
                : status.name().substring("TENANT_STATUS_".length()).toLowerCase(Locale.ROOT);
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
