package io.aicunet.tenant.application.tenants;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What callers ask of the tenant service, as the gRPC and REST edges hand it over:
 * raw values, not yet validated. Enumerations travel as their lower-case wire names
 * ({@code standard}, {@code suspended}); absent means null or empty.
 */
public final class TenantCommands {

    private TenantCommands() {
    }

    public record CreateTenantCommand(
            String idempotencyKey, String slug, String displayName, String region, String tier,
            Optional<QuotasInput> quotas, List<RetentionInput> retention) {
    }

    public record UpdateTenantCommand(
            String tenantId, OptionalLong expectedVersion, Optional<String> displayName, Optional<String> tier,
            Optional<QuotasInput> quotas, List<RetentionInput> retention) {
    }

    public record SuspendTenantCommand(String tenantId, String reason) {
    }

    public record ReactivateTenantCommand(String tenantId) {
    }

    public record GetTenantQuery(String tenantId) {
    }

    public record ListTenantsQuery(int pageSize, String pageToken, Optional<String> status) {
    }

    public record QuotasInput(long requestsPerMinute, long tokensPerDay, long storageBytes) {
    }

    public record RetentionInput(String dataClass, int days) {
    }
}
