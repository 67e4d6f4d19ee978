package io.aicunet.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.audit.application.verification.VerifyTenantLogs;
import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.contracts.audit.v1.FindingKind;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.contracts.audit.v1.VerifyLogResponse;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the database enforces and what verification finds when someone with more
 * rights than the service changes the log behind its back.
 */
@QuarkusTest
class TamperDetectionTest {

    @TestHTTPResource(tls = true)
    URL service;

    @Inject
    VerifyTenantLogs verifyTenantLogs;

    private static VerifyLogResponse verify(AuditGrpcClient client, String tenant) {
        return client.asAuditor().verifyLog(VerifyLogRequest.newBuilder().setTenantId(tenant).build());
    }

    private static void asSuperuserWithoutTriggers(String sql, String tenant, long sequence) throws SQLException {
        try (Connection superuser = FleetTestResource.database().connectAsSuperuser()) {
            try (Statement statement = superuser.createStatement()) {
                statement.execute("SET search_path = audit");
                statement.execute("SET session_replication_role = replica");
            }
            try (PreparedStatement change = superuser.prepareStatement(sql)) {
                change.setObject(1, UUID.fromString(tenant));
                change.setLong(2, sequence);
                assertThat(change.executeUpdate()).isEqualTo(1);
            }
        }
    }

    /**
     * Proves: a record altered in the database by a superuser (triggers off) is named by
     * the on-demand verification and counted by the scheduled job and its metric.
     */
    @Test
    void alteredStoredRecordIsNamed() throws Exception {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, 20).build());
            client.asAuditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(tenant).build());
            VerifyLogResponse sound = verify(client, tenant);
            assertThat(sound.getVerified()).isTrue();
            assertThat(sound.getRecordsVerified()).isEqualTo(20);
            assertThat(sound.getCheckpointsVerified()).isEqualTo(1);

            asSuperuserWithoutTriggers("UPDATE audit_records SET actor = 'mallory' WHERE tenant_id = ? AND sequence = ?",
                    tenant, 7);
            VerifyLogResponse tampered = verify(client, tenant);
            assertThat(tampered.getVerified()).isFalse();
            assertThat(tampered.getFindings(0).getKind()).isEqualTo(FindingKind.FINDING_KIND_RECORD_ALTERED);
            assertThat(tampered.getFindings(0).getSequence()).isEqualTo(7);

            int failed = 0;
            for (int pass = 0; pass < 50 && failed == 0; pass++) {
                failed = verifyTenantLogs.runOnce().await().indefinitely();
            }
            assertThat(failed).as("the scheduled verification finds the tampered tenant").isGreaterThanOrEqualTo(1);
            String metrics = given().get(service + "q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).containsPattern("aicunet_audit_verification_failed_tenants\\S* [1-9]");
            assertThat(metrics).contains("aicunet_audit_verifications_total{result=\"failed\"}");
        }
    }

    /** Proves: a record deleted by a superuser is named as removed; a re-hashed record breaks its successor's link. */
    @Test
    void deletedAndRehashedRecordsAreNamed() throws Exception {
        String deleted = UUID.randomUUID().toString();
        String rehashed = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(deleted, 12).build());
            asSuperuserWithoutTriggers("DELETE FROM audit_records WHERE tenant_id = ? AND sequence = ?", deleted, 5);
            VerifyLogResponse gap = verify(client, deleted);
            assertThat(gap.getFindings(0).getKind()).isEqualTo(FindingKind.FINDING_KIND_RECORD_REMOVED);
            assertThat(gap.getFindings(0).getSequence()).isEqualTo(5);

            client.asService().append(AuditFixtures.anAppend(rehashed, 12).build());
            // A forger who also recomputes the altered record's hash still breaks the next record's link.
            asSuperuserWithoutTriggers("UPDATE audit_records SET record_hash = sha256(record_hash)"
                    + " WHERE tenant_id = ? AND sequence = ?", rehashed, 9);
            VerifyLogResponse broken = verify(client, rehashed);
            assertThat(broken.getVerified()).isFalse();
            assertThat(broken.getFindings(0).getSequence()).isEqualTo(9);
        }
    }

    /** Proves: the app role cannot update, delete or truncate the log, the owner cannot update it, and RLS hides other tenants. */
    @Test
    void databaseKeepsTheLogAppendOnly() throws Exception {
        String tenantA = UUID.randomUUID().toString();
        String tenantB = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenantA, 2).build());
            client.asService().append(AuditFixtures.anAppend(tenantB, 3).build());
        }
        try (Connection app = FleetTestResource.database().connectAsApp(); Statement statement = app.createStatement()) {
            statement.execute("SELECT set_config('aicunet.platform', 'on', false)");
            assertThatThrownBy(() -> statement.execute("UPDATE audit_records SET actor = 'x'"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("DELETE FROM audit_records"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("TRUNCATE audit_records"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("DELETE FROM audit_checkpoints"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("ALTER TABLE audit_records DISABLE TRIGGER ALL"))
                    .hasMessageContaining("must be owner");
            statement.execute("SELECT set_config('aicunet.platform', 'off', false),"
                    + " set_config('aicunet.tenant_id', '" + tenantA + "', false)");
            try (ResultSet rows = statement.executeQuery("SELECT DISTINCT tenant_id FROM audit_records")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo(tenantA);
                assertThat(rows.next()).as("tenant B's records are invisible to tenant A's session").isFalse();
            }
        }
        try (Connection owner = FleetTestResource.database().connectAsOwner(); Statement statement = owner.createStatement()) {
            statement.execute("SELECT set_config('aicunet.platform', 'on', false)");
            assertThatThrownBy(() -> statement.execute("UPDATE audit_records SET actor = 'x'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> statement.execute("DELETE FROM audit_records"))
                    .hasMessageContaining("append-only");
            statement.execute("SELECT set_config('audit.retention_removal', 'on', false)");
            assertThatThrownBy(() -> statement.execute("UPDATE audit_records SET actor = 'x'"))
                    .hasMessageContaining("append-only");
        }
    }
}
