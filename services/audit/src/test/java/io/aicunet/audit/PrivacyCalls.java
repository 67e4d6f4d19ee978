package io.aicunet.audit;


import com.google.protobuf.ByteString;
import io.aicunet.contracts.audit.v1.AppendRequest;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Records with details, and a look into the audit database. */
public final class PrivacyCalls {

    /** One record's stored columns, as the database holds them. */
    public record StoredRow(long sequence, String actor, byte[] details, String sealedDetails, boolean redacted) {
    }

    private PrivacyCalls() {
    }

    /** An Append for {@code tenant} of records by {@code actor}, each with details "<actor>'s secret <i>". */
    public static AppendRequest withDetails(String tenant, String actor, int count) {
        AppendRequest.Builder request = AppendRequest.newBuilder().setTenantId(tenant);
        for (int i = 0; i < count; i++) {
            request.addRecords(AuditFixtures.aRecord().setActor(actor)
                    .setDetails(ByteString.copyFromUtf8(secret(actor, i))));
        }
        return request.build();
    }

    public static String secret(String actor, int i) {
        return actor + "'s secret " + i;
    }

    /** Every record of the tenant as stored, read as the superuser (no row-level security in the way). */
    public static List<StoredRow> stored(String tenant) throws Exception {
        List<StoredRow> rows = new ArrayList<>();
        try (Connection superuser = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement query = superuser.prepareStatement("""
                        SELECT sequence, actor, details, sealed_details, details_redacted_at IS NOT NULL
                          FROM audit.audit_records WHERE tenant_id = ? ORDER BY sequence""")) {
            query.setObject(1, UUID.fromString(tenant));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new StoredRow(result.getLong(1), result.getString(2), result.getBytes(3),
                            result.getString(4), result.getBoolean(5)));
                }
            }
        }
        return rows;
    }

    public static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
