package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.QuotaFailure;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * What the storage quota tests of every service share (platform/limits' storage quota,
 * docs/storage-quotas.md): a tenant with a given storage_bytes quota, the refusal as the
 * contract states it, and the service's count of a tenant's bytes.
 */
public final class StorageQuotaChecks {

    private static final Pattern SCHEMA = Pattern.compile("[a-z_]+");

    private StorageQuotaChecks() {
    }

    /** A new tenant of the tenant service (TenantServiceProcess) with this storage quota and room for requests. */
    public static String aTenantWithStorageQuota(long storageBytes) {
        return TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(), TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().setQuotas(Quotas.newBuilder().setRequestsPerMinute(100_000)
                        .setTokensPerDay(1_000_000).setStorageBytes(storageBytes)).build())
                .getTenant().getId();
    }

    /**
     * Asserts the refusal of a write past the storage quota: RESOURCE_EXHAUSTED, ErrorInfo
     * reason {@code tenant.quotas.storage_bytes} with the quota as {@code bound} and the use
     * before the write as {@code current}, and a QuotaFailure whose subject ends in
     * {@code /storage/<service>}.
     */
    public static void assertStorageRefused(StatusRuntimeException refused, String service, long quota, long current) {
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(GrpcCalls.errorInfo(refused).getReason()).isEqualTo("tenant.quotas.storage_bytes");
        assertThat(GrpcCalls.errorInfo(refused).getMetadataMap()).containsEntry("bound", Long.toString(quota))
                .containsEntry("current", Long.toString(current));
        assertThat(GrpcCalls.detail(refused, QuotaFailure.class).getViolations(0).getSubject())
                .endsWith("/storage/" + service);
    }

    /** What the service's tenant_storage (in database schema {@code schema}) counts for the tenant; 0 when it has no row. */
    public static long storedBytes(String schema, String tenant) throws SQLException {
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("not a schema name: " + schema);
        }
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(
                        "SELECT coalesce(sum(bytes), 0) FROM " + schema + ".tenant_storage WHERE tenant_id = ?::uuid")) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
