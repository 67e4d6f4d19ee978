package io.aicunet.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestDatabase;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the database itself enforces, whatever the application does: the app role
 * handles rows only, cannot reach another service's database, and under row-level
 * security one tenant's session sees none of another tenant's rows.
 */
@QuarkusTest
class DatabaseIsolationTest {

    @TestHTTPResource
    URL service;

    /** Proves: the app role can neither create, drop nor truncate tables, nor delete tenants. */
    @Test
    void appRoleHandlesRowsOnly() throws SQLException {
        try (Connection app = FleetTestResource.database().connectAsApp();
                Statement statement = app.createStatement()) {
            assertThatThrownBy(() -> statement.execute("CREATE TABLE sneaky (id int)"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("CREATE TABLE public.sneaky (id int)"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("DROP TABLE tenants"))
                    .hasMessageContaining("must be owner");
            assertThatThrownBy(() -> statement.execute("TRUNCATE tenants"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("ALTER TABLE tenants DISABLE ROW LEVEL SECURITY"))
                    .hasMessageContaining("must be owner");
            assertThatThrownBy(() -> statement.execute("DELETE FROM tenants"))
                    .hasMessageContaining("permission denied");
        }
    }

    /** Proves: the app role cannot connect to another service's database, nor to the maintenance database. */
    @Test
    void appRoleCannotConnectToAnotherServicesDatabase() {
        TestDatabase ledger = TestDatabase.create("ledger");
        try {
            TestDatabase tenant = FleetTestResource.database();
            assertThatThrownBy(() -> DriverManager.getConnection(ledger.jdbcUrl(), tenant.appUser(), tenant.appPassword())
                    .close()).hasMessageContaining("permission denied for database");
            assertThatThrownBy(() -> DriverManager.getConnection(TestDatabase.jdbcUrl("postgres"), tenant.appUser(),
                    tenant.appPassword()).close()).hasMessageContaining("permission denied for database");
        } finally {
            ledger.drop();
        }
    }

    /**
     * Proves: raw SQL as the app role with tenant A set sees only A's row, none of B's,
     * cannot write a row for B, and with no tenant set sees nothing at all.
     */
    @Test
    void rowLevelSecurityHidesOtherTenants() throws Exception {
        try (TenantGrpcClient client = new TenantGrpcClient(service.getPort())) {
            Tenant a = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();
            Tenant b = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();

            try (Connection app = FleetTestResource.database().connectAsApp()) {
                app.setAutoCommit(false);
                setTenant(app, a.getId());
                assertThat(visibleTenantIds(app)).containsExactly(a.getId());
                try (PreparedStatement update = app.prepareStatement(
                        "UPDATE tenants SET display_name = 'hijacked' WHERE tenant_id = ?::uuid")) {
                    update.setString(1, b.getId());
                    assertThat(update.executeUpdate()).as("B's row is invisible to A's session").isZero();
                }
                try (PreparedStatement moveToB = app.prepareStatement(
                        "UPDATE tenants SET tenant_id = ?::uuid WHERE tenant_id = ?::uuid")) {
                    moveToB.setString(1, b.getId());
                    moveToB.setString(2, a.getId());
                    assertThatThrownBy(moveToB::executeUpdate).hasMessageContaining("row-level security");
                }
                app.rollback();

                // set_config(..., true) lasts one transaction: the next one starts with no tenant.
                assertThat(visibleTenantIds(app)).isEmpty();
                app.rollback();
            }
        }
    }

    private static void setTenant(Connection connection, String tenantId) throws SQLException {
        try (PreparedStatement set = connection.prepareStatement(
                "SELECT set_config('aicunet.tenant_id', ?, true), set_config('aicunet.platform', 'off', true)")) {
            set.setString(1, tenantId);
            set.execute();
        }
    }

    private static List<String> visibleTenantIds(Connection connection) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT tenant_id FROM tenants")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
