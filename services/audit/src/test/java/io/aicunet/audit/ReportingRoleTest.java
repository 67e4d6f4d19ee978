package io.aicunet.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.ReportingRoles;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Record queries and exports read as audit_reporting on the reporting datasource (the
 * primary here, a standby in production): the role reads under row-level security exactly
 * like audit_app, writes nothing, and the moved reads still answer.
 */
@QuarkusTest
class ReportingRoleTest {

    @TestHTTPResource(tls = true)
    URL service;

    /**
     * Proves: audit_reporting sees no record without a tenant scope, none of tenant A's in
     * tenant B's scope, A's in A's; it may not insert, update or delete records, call the
     * owner's functions or read what it was not granted; it is neither superuser nor BYPASSRLS.
     */
    @Test
    void reportingRoleReadsUnderRowLevelSecurityAndWritesNothing() throws SQLException {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, 3).build());
        }
        try (Connection reporting = ReportingRoles.connect(FleetTestResource.database()); Statement statement = reporting.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM audit.audit_records")).isZero();
            statement.execute("SELECT set_config('aicunet.tenant_id', '" + UUID.randomUUID() + "', false)");
            assertThat(count(statement, "SELECT count(*) FROM audit.audit_records")).isZero();
            assertThat(count(statement, "SELECT count(*) FROM audit.audit_heads")).isZero();
            statement.execute("SELECT set_config('aicunet.tenant_id', '" + tenant + "', false)");
            assertThat(count(statement, "SELECT count(*) FROM audit.audit_records")).isEqualTo(3);
            assertThat(count(statement, "SELECT count(*) FROM audit.audit_heads")).isEqualTo(1);

            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit.audit_records"))
                    .hasMessageContaining("permission denied for table audit_records");
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit.audit_heads SET tree_size = 0"))
                    .hasMessageContaining("permission denied for table audit_heads");
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO audit.audit_checkpoints"
                    + " SELECT * FROM audit.audit_checkpoints"))
                    .hasMessageContaining("permission denied for table audit_checkpoints");
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM audit.tenant_storage"))
                    .hasMessageContaining("permission denied for table tenant_storage");
            assertThatThrownBy(() -> statement.executeQuery(
                    "SELECT audit.redact_sealed_details('" + tenant + "'::uuid, 'x', 1)"))
                    .hasMessageContaining("permission denied for function redact_sealed_details");
            try (ResultSet role = statement.executeQuery(
                    "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user")) {
                assertThat(role.next()).isTrue();
                assertThat(role.getBoolean("rolbypassrls")).as("BYPASSRLS").isFalse();
                assertThat(role.getBoolean("rolsuper")).as("SUPERUSER").isFalse();
            }
        }
    }

    /** Proves: a query answered from the reporting datasource finds what was appended, and only its tenant's. */
    @Test
    void queriesReadOnTheReportingDatasource() {
        String tenant = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, 4).build());
            client.asService().append(AuditFixtures.anAppend(other, 2).build());
            assertThat(client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant)
                    .setPageSize(100).build()).getRecordsList())
                    .hasSize(4).allSatisfy(record -> assertThat(record.getTenantId()).isEqualTo(tenant));
        }
    }

    /** Proves: the reporting datasource's replica lag is published; here it is the primary, so 0. */
    @Test
    void replicaLagIsPublished() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(given().get(service + "q/metrics").then().statusCode(200).extract().asString())
                        .containsPattern("(?m)^aicunet_reporting_replica_lag_seconds(\\{[^}]*\\})? 0\\.0$"));
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
