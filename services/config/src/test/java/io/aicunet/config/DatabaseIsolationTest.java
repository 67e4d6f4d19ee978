package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.DatabaseIsolationCheck;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Declaration;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Privilege;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the database itself enforces, whatever the application does (platform/testing's
 * DatabaseIsolationCheck with config's tables): the app role handles rows only, revisions
 * are immutable, and under row-level security a tenant's session sees, changes and writes
 * none of another tenant's entries or revisions. Config's own rule on top: platform-level
 * (global) rows are visible to every tenant's session, which cannot change them.
 */
@QuarkusTest
class DatabaseIsolationTest extends ConfigTestBase {

    private static final Declaration TABLES = Declaration.tenantTables("entries", "revisions", "tenant_storage")
            .appRoleRefuses("revisions", Privilege.UPDATE)
            .appRoleRefuses("tenant_storage", Privilege.DELETE)
            .appRoleRefuses("revision_counter", Privilege.INSERT, Privilege.DELETE)
            .appRoleRefuses("schemas", Privilege.UPDATE, Privilege.DELETE);

    /**
     * Proves: entries and revisions force row-level security and no other table has a
     * tenant_id; the app role cannot create, drop, truncate or alter tables, change a
     * revision, move the counter, or rewrite a schema, and reaches no other database.
     */
    @Test
    void databaseIsolatesTenants() {
        DatabaseIsolationCheck.assertIsolated(FleetTestResource.database(), TABLES);
    }

    /**
     * Proves: raw SQL as the app role with tenant A set sees, changes and deletes none of
     * B's entries and revisions, cannot write one for B, and with no tenant set sees no
     * tenant's rows.
     */
    @Test
    void rowsOfOtherTenantsAreHidden() {
        String namespace = newNamespace();
        String a = aTenant();
        String b = aTenant();
        put(namespace, "model", tenantScope(a), "\"a\"");
        put(namespace, "model", tenantScope(b), "\"b\"");
        for (String table : List.of("entries", "revisions")) {
            DatabaseIsolationCheck.assertTenantRowsHidden(FleetTestResource.database(), table, a, b);
        }
    }

    /**
     * Proves: tenant A's session sees the global entries and revisions beside its own and
     * cannot change a global row; with no tenant set (set_config(..., true) lasts one
     * transaction) it sees the platform-level rows only.
     */
    @Test
    void platformRowsAreVisibleToEveryTenantButNotTheirs() throws SQLException {
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
