package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aPendingTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aPost;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.ReportingRoles;
import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** FinOps: the cost views, who may read them, and the read-only endpoint that serves them. */
@QuarkusTest
class FinOpsReportTest extends LedgerTestBase {

    /**
     * Proves: the reporting role can read both views and what statements read (accounts,
     * transfers), all under row-level security exactly like the app role: with no tenant
     * scope it sees nothing, with another tenant's scope nothing of this tenant, with this
     * tenant's scope its posted cost and rows. It can write nothing (no INSERT, UPDATE,
     * DELETE on any table), and the app role cannot read the views.
     */
    @Test
    void reportingRoleReadsUnderRowLevelSecurityAndWritesNothing() throws Exception {
        Account budget = open(anAccount("EUR_CENT").setCode("budget"));
        Account llm = open(anAccount("EUR_CENT").setCode("usage.llm"));
        post(aTransfer(budget.getId(), llm.getId(), 250));

        try (Connection reporting = ReportingRoles.connect(FleetTestResource.database());
                Statement statement = reporting.createStatement()) {
            assertThat(sumOf(statement, "SELECT coalesce(sum(amount), 0) FROM ledger.cost_per_tenant_day")).isZero();
            assertThat(sumOf(statement, "SELECT count(*) FROM ledger.transfers")).isZero();
            assertThat(sumOf(statement, "SELECT count(*) FROM ledger.accounts")).isZero();
            statement.execute("SELECT set_config('aicunet.tenant_id', '" + java.util.UUID.randomUUID() + "', false)");
            assertThat(sumOf(statement, "SELECT coalesce(sum(amount), 0) FROM ledger.cost_per_tenant_day")).isZero();
            assertThat(sumOf(statement, "SELECT count(*) FROM ledger.transfers")).isZero();
            assertThat(sumOf(statement, "SELECT count(*) FROM ledger.accounts")).isZero();
            statement.execute("SELECT set_config('aicunet.tenant_id', '" + tenant + "', false)");
            assertThat(sumOf(statement, "SELECT sum(amount) FROM ledger.cost_per_tenant_day")).isEqualTo(250);
            assertThat(sumOf(statement, "SELECT sum(credits) FROM ledger.cost_per_account_code_day"
                    + " WHERE account_code = 'usage.llm'")).isEqualTo(250);
            assertThat(sumOf(statement, "SELECT count(*) FROM ledger.transfers")).isEqualTo(1);
            assertThat(sumOf(statement, "SELECT count(*) FROM ledger.accounts")).isEqualTo(2);
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM ledger.accounts"))
                    .hasMessageContaining("permission denied for table accounts");
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE ledger.transfers SET amount = 0"))
                    .hasMessageContaining("permission denied for table transfers");
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO ledger.tenants VALUES"
                    + " (gen_random_uuid(), 'active', NULL, now())"))
                    .hasMessageContaining("permission denied for table tenants");
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM ledger.pending_timeouts"))
                    .hasMessageContaining("permission denied for table pending_timeouts");
            try (ResultSet role = statement.executeQuery(
                    "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user")) {
                assertThat(role.next()).isTrue();
                assertThat(role.getBoolean("rolbypassrls")).as("BYPASSRLS").isFalse();
                assertThat(role.getBoolean("rolsuper")).as("SUPERUSER").isFalse();
            }
        }
        try (Connection app = FleetTestResource.database().connectAsApp(); Statement statement = app.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM cost_per_tenant_day"))
                    .hasMessageContaining("permission denied for view cost_per_tenant_day");
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM cost_per_account_code_day"))
                    .hasMessageContaining("permission denied for view cost_per_account_code_day");
        }
    }

    /**
     * Proves: the read-only endpoints serve today's posted cost of the caller's tenant
     * (a post of a pending transfer counts, the pending reservation does not), per day
     * and per account code; another tenant's admin sees none of it; a bad range is a 400.
     */
    @Test
    void endpointsServeTheCallersCost() {
        Account budget = open(anAccount("CREDIT").setCode("budget"));
        Account llm = open(anAccount("CREDIT").setCode("usage.llm"));
        Account compute = open(anAccount("CREDIT").setCode("usage.compute"));
        post(aTransfer(budget.getId(), llm.getId(), 40));
        String reserved = post(aPendingTransfer(budget.getId(), compute.getId(), 30, 0)).get(0).getId();
        post(aPendingTransfer(budget.getId(), compute.getId(), 500, 0));
        post(aPost(reserved, 25));
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        JsonPath perDay = given().headers(TestCallers.ofTenant(tenant, "tenant-admin"))
                .when().get("/v1/reports/cost-per-tenant-day")
                .then().statusCode(200).body("rows", hasSize(1)).body("truncated", equalTo(false))
                .extract().jsonPath();
        assertThat(perDay.getString("rows[0].tenant_id")).isEqualTo(tenant);
        assertThat(perDay.getString("rows[0].day")).isEqualTo(today);
        assertThat(perDay.getLong("rows[0].amount")).isEqualTo(65);
        assertThat(perDay.getLong("rows[0].transfers")).isEqualTo(2);

        JsonPath perCode = given().headers(TestCallers.ofTenant(tenant, "tenant-admin"))
                .queryParam("from", today).queryParam("to", today)
                .when().get("/v1/reports/cost-per-account-code-day")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Object> compute25 = perCode.getMap("rows.find { it.account_code == 'usage.compute' }");
        assertThat(((Number) compute25.get("credits")).longValue()).isEqualTo(25);
        Map<String, Object> budget65 = perCode.getMap("rows.find { it.account_code == 'budget' }");
        assertThat(((Number) budget65.get("debits")).longValue()).isEqualTo(65);

        String otherTenant = java.util.UUID.randomUUID().toString();
        given().headers(TestCallers.ofTenant(otherTenant, "tenant-admin"))
                .when().get("/v1/reports/cost-per-tenant-day")
                .then().statusCode(200).body("rows", hasSize(0));
        given().headers(TestCallers.ofTenant(otherTenant, "tenant-admin")).queryParam("tenant_id", tenant)
                .when().get("/v1/reports/cost-per-tenant-day")
                .then().statusCode(403);
        given().headers(TestCallers.headers("platform", "finops", Set.of("finops-analyst")))
                .queryParam("from", "2026-01-01").queryParam("to", "2028-01-01")
                .when().get("/v1/reports/cost-per-tenant-day")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().headers(TestCallers.ofTenant(tenant, "tenant-admin")).queryParam("from", "yesterday")
                .when().get("/v1/reports/cost-per-tenant-day")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
    }

    /**
     * Proves: the replica lag of the reporting datasource is published as
     * aicunet_reporting_replica_lag_seconds, sampled on the reporting pool; here the
     * reporting datasource is the primary itself (a single node), so it is 0.
     */
    @Test
    void replicaLagIsPublished() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(given().get(service + "q/metrics").then().statusCode(200).extract().asString())
                        .containsPattern("(?m)^aicunet_reporting_replica_lag_seconds(\\{[^}]*\\})? 0\\.0$"));
    }

    private static long sumOf(Statement statement, String sql) throws Exception {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
