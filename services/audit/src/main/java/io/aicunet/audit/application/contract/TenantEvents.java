package io.aicunet.audit.application.contract;

import com.google.protobuf.InvalidProtocolBufferException;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.contracts.tenant.v1.TenantReactivated;
import io.aicunet.contracts.tenant.v1.TenantSuspended;
import io.aicunet.contracts.tenant.v1.TenantUpdated;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The tenant service's events as the audit service reads them: each tenant event carries
 * the tenant, and with it the audit log's retention period.
 */
public final class TenantEvents {

    /** The type prefix of the tenant service's events. */
    public static final String TYPE_PREFIX = "aicunet.tenant.v1.";

    /** The audit retention period of a tenant as of tenant version {@code tenantVersion}. */
    public record AuditRetention(OptionalInt days, long tenantVersion) {
    }

    private TenantEvents() {
    }

    /**
     * The audit retention period the event of {@code type} carries; empty for a tenant
     * event without a tenant. Throws IllegalArgumentException when the payload is not
     * the event's protobuf.
     */
    public static Optional<AuditRetention> auditRetention(String type, byte[] payload) {
        Optional<Tenant> tenant = tenantOf(type.substring(TYPE_PREFIX.length()), payload);
        if (tenant.isEmpty()) {
            return Optional.empty();
        }
        OptionalInt days = OptionalInt.empty();
        for (RetentionPeriod period : tenant.get().getRetentionList()) {
            if ("audit".equals(period.getDataClass())) {
                days = OptionalInt.of(period.getDays());
            }
        }
        return Optional.of(new AuditRetention(days, tenant.get().getVersion()));
    }

    private static Optional<Tenant> tenantOf(String name, byte[] payload) {
        try {
            switch (name) {
                case "TenantCreated":
                    return Optional.of(TenantCreated.parseFrom(payload).getTenant());
                case "TenantUpdated":
                    return Optional.of(TenantUpdated.parseFrom(payload).getTenant());
                case "TenantSuspended":
                    return Optional.of(TenantSuspended.parseFrom(payload).getTenant());
                case "TenantReactivated":
                    return Optional.of(TenantReactivated.parseFrom(payload).getTenant());
                default:
                    return Optional.empty();
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
