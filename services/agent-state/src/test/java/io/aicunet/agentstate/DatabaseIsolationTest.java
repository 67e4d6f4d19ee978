package io.aicunet.agentstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the database itself enforces, whatever the application does: the app role
 * handles rows only, and under row-level security (FORCE) one tenant's session sees
 * none of another tenant's agents, threads or checkpoints.
 */
@QuarkusTest
class DatabaseIsolationTest extends GrpcTestBase {

    private static final List<String> TENANT_TABLES = List.of("agents", "threads", "checkpoints",
            "retention_policies", "idempotency_keys", "cache_repairs");

    /** Proves: the app role can neither create, drop nor truncate tables, nor switch row-level security off. */
    @Test
    void appRoleHandlesRowsOnly() throws SQLException {
        try (Connection app = FleetTestResource.database().connectAsApp();
                Statement statement = app.createStatement()) {
            assertThatThrownBy(() -> statement.execute("CREATE TABLE sneaky (id int)"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("DROP TABLE checkpoints")).hasMessageContaining("must be owner");
            assertThatThrownBy(() -> statement.execute("TRUNCATE checkpoints"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("ALTER TABLE agents NO FORCE ROW LEVEL SECURITY"))
                    .hasMessageContaining("must be owner");
        }
    }

    /** Proves: every tenant table has row-level security enabled and forced. */
    @Test
    void everyTenantTableForcesRowLevelSecurity() throws SQLException {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement("""
                        SELECT relrowsecurity AND relforcerowsecurity FROM pg_class c
                          JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'agent_state' AND c.relname = ?""")) {
            for (String table : TENANT_TABLES) {
                select.setString(1, table);
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).as(table).isTrue();
                    assertThat(row.getBoolean(1)).as(table + " forces RLS").isTrue();
                }
            }
        }
    }

    /**
     * Proves: raw SQL as the app role with tenant B set sees none of A's rows and cannot
     * change them; with no tenant set it sees nothing at all.
     */
    @Test
    void rowLevelSecurityHidesOtherTenants() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        String other = AgentStateFixtures.aTenantId();

        try (Connection app = FleetTestResource.database().connectAsApp()) {
            app.setAutoCommit(false);
            setTenant(app, tenant);
            assertThat(count(app, "SELECT count(*) FROM checkpoints WHERE agent_id = '" + agent.getId() + "'"))
                    .isEqualTo(1);
            app.rollback();

            setTenant(app, other);
            for (String table : List.of("agents", "threads", "checkpoints")) {
                assertThat(count(app, "SELECT count(*) FROM " + table + " WHERE tenant_id = '" + tenant + "'"))
                        .as(table).isZero();
            }
            try (Statement statement = app.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE agents SET status = 'terminated' WHERE agent_id = '"
                        + agent.getId() + "'")).isZero();
            }
            app.rollback();

            assertThat(count(app, "SELECT count(*) FROM agents")).as("no tenant set: nothing visible").isZero();
            app.rollback();
        }
    }

    private static void setTenant(Connection connection, String tenantId) throws SQLException {
        try (PreparedStatement set = connection.prepareStatement(
                "SELECT set_config('aicunet.tenant_id', ?, true), set_config('aicunet.platform', 'off', true)")) {
            set.setString(1, tenantId);
            set.execute();
        }
    }

    private static int count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
