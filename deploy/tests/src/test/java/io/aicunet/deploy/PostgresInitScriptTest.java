package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.testing.FleetStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Postgres init script of docker-compose (create-service-databases.sh, over the
 * shared create-service-database.sql) against the real local Postgres: every service's
 * database and roles, under throw-away names (deploytest_&lt;random&gt;_&lt;service&gt;)
 * that are dropped afterwards.
 */
class PostgresInitScriptTest {

    private static final String SCRIPT = "platform/devstack/src/main/resources/postgres/create-service-databases.sh";

    private static String prefix;
    private static String firstRunOutput;

    @BeforeAll
    static void runScriptTwice() {
        FleetStack.ensureRunning();
        prefix = "deploytest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
        firstRunOutput = runScript();
        // A second run must change nothing (docker restarts, ./fleet up twice).
        runScript();
    }

    @AfterAll
    static void dropDatabasesAndRoles() throws SQLException {
        if (prefix == null) {
            return;
        }
        try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
            for (String service : Fleet.SERVICES) {
                String name = prefix + Fleet.rolePrefix(service);
                statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
                statement.execute("DROP ROLE IF EXISTS \"" + name + "_owner\"");
                statement.execute("DROP ROLE IF EXISTS \"" + name + "_app\"");
            }
        }
    }

    /** Proves: the script creates, for every service, a database and an owner and an app role that may log in, none of them privileged. */
    @Test
    void createsDatabaseAndRolesOfEveryService() throws SQLException {
        assertThat(firstRunOutput).contains(prefix + "agent_state");
        try (Connection connection = superuser("postgres")) {
            for (String service : Fleet.SERVICES) {
                String name = prefix + Fleet.rolePrefix(service);
                assertThat(queryOne(connection, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?", name))
                        .as("owner of database %s", name).isEqualTo(name + "_owner");
                for (String role : List.of(name + "_owner", name + "_app")) {
                    assertThat(queryOne(connection,
                            "SELECT rolcanlogin AND NOT rolsuper AND NOT rolcreatedb AND NOT rolcreaterole AND NOT rolbypassrls"
                                    + " FROM pg_roles WHERE rolname = ?", role))
                            .as("%s logs in and holds no cluster privilege", role).isEqualTo("t");
                }
            }
        }
    }

    /** Proves: the owner role owns the service's schema and may create in it; the app role may connect and use it but create nothing, in the database or the schema. */
    @Test
    void ownerOwnsSchemaAppMayNotCreate() throws SQLException {
        for (String service : Fleet.SERVICES) {
            String name = prefix + Fleet.rolePrefix(service);
            try (Connection connection = superuser(name)) {
                assertThat(queryOne(connection, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ?", name))
                        .isEqualTo(name + "_owner");
                String app = name + "_app";
                assertThat(privileges(connection, app, name)).isEqualTo("connect=t db-create=f schema-usage=t schema-create=f");
                assertThat(privileges(connection, name + "_owner", name)).isEqualTo("connect=t db-create=t schema-usage=t schema-create=t");
                assertThat(queryOne(connection, "SELECT has_schema_privilege(?, 'public', 'CREATE')::text", app)).isEqualTo("false");
            }
        }
    }

    /** Proves: the roles log in with the passwords the script set, the owner can create a table the app then writes rows of, and the app cannot create one. */
    @Test
    void rolesWorkAsTheServicesUseThem() throws SQLException {
        String name = prefix + "ledger";
        try (Connection owner = login(name, name + "_owner"); Statement statement = owner.createStatement()) {
            statement.execute("CREATE TABLE probe (id bigint PRIMARY KEY)");
        }
        try (Connection app = login(name, name + "_app"); Statement statement = app.createStatement()) {
            assertThat(statement.executeUpdate("INSERT INTO probe (id) VALUES (1)")).isEqualTo(1);
            assertThatThrownBy(() -> statement.execute("CREATE TABLE intruder (id bigint)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
        assertThatThrownBy(() -> login(prefix + "audit", name + "_app").close())
                .as("the ledger's app role cannot connect to the audit database")
                .isInstanceOf(SQLException.class);
    }

    private static String privileges(Connection connection, String role, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT 'connect=' || has_database_privilege(?, ?, 'CONNECT')::text
                    || ' db-create=' || has_database_privilege(?, ?, 'CREATE')::text
                    || ' schema-usage=' || has_schema_privilege(?, ?, 'USAGE')::text
                    || ' schema-create=' || has_schema_privilege(?, ?, 'CREATE')::text
                """)) {
            for (int index = 0; index < 4; index++) {
                statement.setString(index * 2 + 1, role);
                statement.setString(index * 2 + 2, name);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getString(1).replace("true", "t").replace("false", "f");
            }
        }
    }

    private static String queryOne(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet result = statement.executeQuery()) {
                assertThat(result.next()).as("a row for %s", parameter).isTrue();
                return result.getString(1);
            }
        }
    }

    private static Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", FleetStack.postgresSuperuserPassword());
    }

    /** Logs in with the development password the script gives a role when none is set: <role>_dev. */
    private static Connection login(String database, String role) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), role, role + "_dev");
    }

    private static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + FleetStack.host() + ":" + FleetStack.postgresPort() + "/" + database;
    }

    private static String runScript() {
        List<String> command = new ArrayList<>(List.of("bash", Fleet.root().resolve(SCRIPT).toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("PGHOST", FleetStack.host());
        environment.put("PGPORT", Integer.toString(FleetStack.postgresPort()));
        environment.put("PGUSER", "postgres");
        environment.put("PGPASSWORD", FleetStack.postgresSuperuserPassword());
        environment.put("FLEET_DATABASE_PREFIX", prefix);
        environment.put("FLEET_SERVICES", String.join(" ", Fleet.SERVICES));
        environment.remove("FLEET_SERVICE_SQL");
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("create-service-databases.sh did not finish in 120 s:\n" + output);
            }
            assertThat(process.exitValue()).as("create-service-databases.sh failed:\n%s", output).isZero();
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + Path.of(SCRIPT), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + SCRIPT, e);
        }
    }
}
