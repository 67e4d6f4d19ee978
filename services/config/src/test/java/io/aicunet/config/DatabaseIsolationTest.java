package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the database itself enforces, whatever the application does: the app role
 * handles rows only, revisions are immutable, and under row-level security a tenant's
 * session sees its own and the platform-level entries, never another tenant's, and
 * writes only its own.
 */
@QuarkusTest
class DatabaseIsolationTest extends ConfigTestBase {

    /** Proves: the app role cannot create, drop or truncate tables, change a revision, or move the counter back. */
    @Test
    void appRoleHandlesRowsOnlyAndRevisionsAreImmutable() throws SQLException {
        String namespace = newNamespace();
        put(namespace, "model", globalScope(), "\"small\"");
        try (Connection app = FleetTestResource.database().connectAsApp();
                Statement statement = app.createStatement()) {
            assertThatThrownBy(() -> statement.execute("CREATE TABLE sneaky (id int)"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("DROP TABLE entries")).hasMessageContaining("must be owner");
            assertThatThrownBy(() -> statement.execute("TRUNCATE revisions")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("UPDATE revisions SET reason = 'rewritten'"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("DELETE FROM revision_counter"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("UPDATE schemas SET version = 9"))
                    .hasMessageContaining("permission denied");
        }
    }

    /**
     * Proves: raw SQL as the app role with tenant A set sees A's entries and the
     * global ones, none of B's; cannot write a row for B nor a global row; with no
     * tenant set sees only the platform-level rows.
     */
    @Test
    void rowLevelSecurityKeepsTenantsApart() throws SQLException {
        String namespace = newNamespace();
        String a = aTenant();
        String b = aTenant();
        put(namespace, "model", tenantScope(a), "\"a\"");
        put(namespace, "model", tenantScope(b), "\"b\"");
        put(namespace, "model", globalScope(), "\"global\"");
        try (Connection app = FleetTestResource.database().connectAsApp()) {
            app.setAutoCommit(false);
            setTenant(app, a);
            assertThat(visibleScopes(app, namespace)).containsExactlyInAnyOrder("global", "tenant:" + a);
            assertThat(visibleRevisionScopes(app, namespace)).containsExactlyInAnyOrder("global", "tenant:" + a);
            try (PreparedStatement update = app.prepareStatement(
                    "UPDATE entries SET value = '\"hijacked\"' WHERE namespace = ? AND scope_id <> ?")) {
                update.setString(1, namespace);
                update.setString(2, "tenant:" + a);
                assertThat(update.executeUpdate()).as("B's and the global row are not A's to change").isZero();
            }
            try (PreparedStatement insert = app.prepareStatement("""
                    INSERT INTO entries (namespace, entry_key, scope_id, scope_kind, tenant_id, value, secret,
                                         schema_version, revision, updated_by, updated_at)
                    VALUES (?, 'sneaky', ?, 'tenant', ?::uuid, '1', false, 0, 1, 'attacker', now())""")) {
                insert.setString(1, namespace);
                insert.setString(2, "tenant:" + b);
                insert.setString(3, b);
                assertThatThrownBy(insert::executeUpdate).hasMessageContaining("row-level security");
            }
            app.rollback();

            // set_config(..., true) lasts one transaction: the next one has no tenant.
            assertThat(visibleScopes(app, namespace)).containsExactly("global");
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

    private static List<String> visibleScopes(Connection connection, String namespace) throws SQLException {
        return scopes(connection, "SELECT scope_id FROM entries WHERE namespace = ?", namespace);
    }

    private static List<String> visibleRevisionScopes(Connection connection, String namespace) throws SQLException {
        return scopes(connection, "SELECT scope_id FROM revisions WHERE namespace = ?", namespace);
    }

    private static List<String> scopes(Connection connection, String sql, String namespace) throws SQLException {
        List<String> scopes = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, namespace);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    scopes.add(rows.getString(1));
                }
            }
        }
        return scopes;
    }
}
