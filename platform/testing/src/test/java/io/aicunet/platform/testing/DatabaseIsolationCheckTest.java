package io.aicunet.platform.testing;

import static io.aicunet.platform.testing.DatabaseIsolationCheck.Privilege.DELETE;
import static io.aicunet.platform.testing.DatabaseIsolationCheck.Privilege.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.testing.DatabaseIsolationCheck.Declaration;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves DatabaseIsolationCheck fails both ways, on two databases of the local stack made by
 * the services' own create-service-database.sql: one isolated as the services' are, and one of
 * another (fixture) service with each hole the check exists to find.
 */
class DatabaseIsolationCheckTest {

    private static final String A = UUID.randomUUID().toString();
    private static final String B = UUID.randomUUID().toString();

    private static final String POLICY = """
            CREATE POLICY tenant_isolation ON %1$s
                USING (current_setting('aicunet.platform', true) = 'on'
                       OR tenant_id = NULLIF(current_setting('aicunet.tenant_id', true), '')::uuid)
                WITH CHECK (current_setting('aicunet.platform', true) = 'on'
                       OR tenant_id = NULLIF(current_setting('aicunet.tenant_id', true), '')::uuid);
            ALTER TABLE %1$s ENABLE ROW LEVEL SECURITY;
            ALTER TABLE %1$s FORCE ROW LEVEL SECURITY;
            """;

    private static final Declaration ISOLATED = Declaration.tenantTables("orders", "order_lines")
            .appRoleRefuses("order_lines", DELETE)
            .appRoleUpdatesOnly("order_lines", "note");

    private static TestDatabase isolated;
    private static TestDatabase leaky;

    @BeforeAll
    static void createDatabases() throws SQLException {
        isolated = TestDatabase.create("isolation_fixture");
        leaky = TestDatabase.create("isolation_fixture_leaky");
        asOwner(isolated, """
                CREATE TABLE orders (order_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, note text);
                """ + POLICY.formatted("orders") + """
                CREATE TABLE order_lines (line_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                          tenant_id uuid NOT NULL, amount bigint NOT NULL, note text);
                """ + POLICY.formatted("order_lines") + """
                REVOKE UPDATE, DELETE ON order_lines FROM isolation_fixture_app;
                GRANT UPDATE (note) ON order_lines TO isolation_fixture_app;
                CREATE TABLE outbox_events (event_id uuid PRIMARY KEY, tenant_id uuid);
                SET aicunet.platform = 'on';
                """ + rows("orders (order_id, tenant_id, note) VALUES (gen_random_uuid(), '%s', 'x')")
                + rows("order_lines (tenant_id, amount) VALUES ('%s', 1)"));
        asOwner(leaky, """
                CREATE TABLE leaks (tenant_id uuid, note text);
                CREATE TABLE unforced (tenant_id uuid);
                ALTER TABLE unforced ENABLE ROW LEVEL SECURITY;
                CREATE TABLE see_all (row_id uuid, tenant_id uuid NOT NULL);
                CREATE POLICY everyone ON see_all USING (true) WITH CHECK (true);
                ALTER TABLE see_all ENABLE ROW LEVEL SECURITY;
                ALTER TABLE see_all FORCE ROW LEVEL SECURITY;
                GRANT TRUNCATE ON leaks TO isolation_fixture_leaky_app;
                GRANT CREATE ON SCHEMA isolation_fixture_leaky TO isolation_fixture_leaky_app;
                """ + rows("see_all VALUES (gen_random_uuid(), '%s')"));
        try (Connection superuser = leaky.connectAsSuperuser(); Statement statement = superuser.createStatement()) {
            statement.execute("GRANT CONNECT ON DATABASE \"" + isolated.name() + "\" TO isolation_fixture_leaky_app");
        }
    }

    @AfterAll
    static void dropDatabases() {
        if (isolated != null) {
            isolated.drop();
        }
        if (leaky != null) {
            leaky.drop();
        }
    }

    /** Proves: a database isolated as the services' are passes, rows of two tenants included. */
    @Test
    void isolatedDatabasePasses() {
        assertThatCode(() -> DatabaseIsolationCheck.assertIsolated(isolated, ISOLATED)).doesNotThrowAnyException();
        assertThatCode(() -> DatabaseIsolationCheck.assertTenantRowsHidden(isolated, "orders", A, B))
                .doesNotThrowAnyException();
        assertThatCode(() -> DatabaseIsolationCheck.assertTenantRowsHidden(isolated, "order_lines", A, B))
                .doesNotThrowAnyException();
    }

    /** Proves: each hole in the schema and the app role's privileges is named. */
    @Test
    void leakyDatabaseFailsNamingEachHole() {
        Declaration declaration = Declaration.tenantTables("unforced", "see_all", "ghost")
                .appRoleRefuses("see_all", UPDATE, DELETE);
        assertThat(DatabaseIsolationCheck.problems(leaky, declaration)).anySatisfy(problem -> assertThat(problem)
                        .contains("table leaks has a tenant_id column but is neither"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("tenant table unforced does not enable and force row-level security"))
                .anySatisfy(problem -> assertThat(problem).contains("tenant table unforced has no row-level security policy"))
                .anySatisfy(problem -> assertThat(problem).contains("declared tenant table ghost is not in schema"))
                .anySatisfy(problem -> assertThat(problem).contains("may run 'TRUNCATE isolation_fixture_leaky.leaks'"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("may run 'CREATE TABLE isolation_fixture_leaky.isolation_probe"))
                .anySatisfy(problem -> assertThat(problem).contains("declares UPDATE on see_all refused"))
                .anySatisfy(problem -> assertThat(problem).contains("declares DELETE on see_all refused"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("may connect to database " + isolated.name()));
        assertThatThrownBy(() -> DatabaseIsolationCheck.assertIsolated(leaky, declaration))
                .isInstanceOf(AssertionError.class);
    }

    /** Proves: a policy that lets every tenant through fails each row-level test by name. */
    @Test
    void policyThatSeesEveryTenantFails() {
        assertThat(DatabaseIsolationCheck.tenantRowsProblems(leaky, "see_all", A, B)).containsExactly(
                "see_all: tenant A's session sees 1 row(s) of tenant B",
                "see_all: tenant A's session updated 1 row(s) of tenant B",
                "see_all: tenant A's session deleted 1 row(s) of tenant B",
                "see_all: tenant A's session wrote 1 row(s) for tenant B (INSERT): row-level security must refuse it",
                "see_all: a session with no tenant sees 2 tenant row(s)");
    }

    /** Proves: the row-level test refuses to pass vacuously when a tenant has no rows. */
    @Test
    void tableWithoutRowsOfBothTenantsIsRefused() {
        assertThatThrownBy(() -> DatabaseIsolationCheck.assertTenantRowsHidden(
                isolated, "orders", A, UUID.randomUUID().toString()))
                .hasMessageContaining("create rows of both tenants before the check");
    }

    private static String rows(String insert) {
        return "INSERT INTO " + insert.formatted(A) + ";\nINSERT INTO " + insert.formatted(B) + ";\n";
    }

    private static void asOwner(TestDatabase database, String sql) throws SQLException {
        try (Connection owner = database.connectAsOwner(); Statement statement = owner.createStatement()) {
            statement.execute(sql);
        }
    }
}
