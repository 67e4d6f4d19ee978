package io.aicunet.platform.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A service database of its own for one test run, created by the same script the
 * local stack and docker-compose use (platform/devstack/.../create-service-database.sql),
 * with the service's owner and app roles. Runs never share a database.
 *
 * @param rolePrefix the service name with '-' as '_', e.g. {@code agent_state}
 */
public record TestDatabase(String rolePrefix, String name) {

    /** Creates {@code <prefix>_test_<random>} for the service. */
    public static TestDatabase create(String service) {
        FleetStack.ensureRunning();
        return createOnPort(service, FleetStack.postgresPort());
    }

    /**
     * Creates {@code <prefix>_test_<random>} for the service on the cluster at
     * 127.0.0.1:{@code postgresPort} (another cluster of the stack, such as the primary of
     * {@link HaStack}); its URLs are then {@link #jdbcUrlOnPort} and {@link #reactiveUrlOnPort}.
     */
    public static TestDatabase createOnPort(String service, int postgresPort) {
        String prefix = service.replace('-', '_').toLowerCase(Locale.ROOT);
        String name = prefix + "_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestDatabase database = new TestDatabase(prefix, name);
        database.runCreateScript(postgresPort);
        return database;
    }

    /** The service this database belongs to, e.g. {@code agent-state}. */
    public String service() {
        return rolePrefix.replace('_', '-');
    }

    public String ownerUser() {
        return rolePrefix + "_owner";
    }

    public String ownerPassword() {
        return rolePrefix + "_owner_dev";
    }

    public String appUser() {
        return rolePrefix + "_app";
    }

    public String appPassword() {
        return rolePrefix + "_app_dev";
    }

    public String jdbcUrl() {
        return jdbcUrl(name);
    }

    public static String jdbcUrl(String database) {
        return jdbcUrl(database, FleetStack.postgresPort());
    }

    /** A database of the cluster at 127.0.0.1:{@code postgresPort}, over TLS with the stack's CA verified. */
    public static String jdbcUrl(String database, int postgresPort) {
        return "jdbc:postgresql://" + FleetStack.host() + ":" + postgresPort + "/" + database + "?"
                + FleetStack.postgresTlsParameters();
    }

    /** Without TLS settings: the reactive client takes them from its own configuration. */
    public String reactiveUrl() {
        return "postgresql://" + FleetStack.host() + ":" + FleetStack.postgresPort() + "/" + name;
    }

    /**
     * The same database on another cluster at 127.0.0.1:{@code postgresPort}: a copy of
     * the stack's cluster that a point-in-time restore brought up (same roles, same passwords).
     */
    public String jdbcUrlOnPort(int postgresPort) {
        return jdbcUrl(name, postgresPort);
    }

    /** {@link #jdbcUrlOnPort} for the reactive client. */
    public String reactiveUrlOnPort(int postgresPort) {
        return "postgresql://" + FleetStack.host() + ":" + postgresPort + "/" + name;
    }

    /** A JDBC connection as the superuser to the same database on the cluster at {@code postgresPort}. */
    public Connection connectAsSuperuserOnPort(int postgresPort) throws SQLException {
        return DriverManager.getConnection(jdbcUrlOnPort(postgresPort), "postgres",
                FleetStack.postgresSuperuserPassword());
    }

    /** A JDBC connection as the app role: what the service itself may do. */
    public Connection connectAsApp() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), appUser(), appPassword());
    }

    /** A JDBC connection as the owner role: what migrations may do. */
    public Connection connectAsOwner() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), ownerUser(), ownerPassword());
    }

    /** A JDBC connection as the superuser, for tests that play an attacker or an operator. */
    public Connection connectAsSuperuser() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", FleetStack.postgresSuperuserPassword());
    }

    /** Drops the database, closing whatever sessions remain. */
    public void drop() {
        dropOnPort(FleetStack.postgresPort());
    }

    /** Drops the database on the cluster at {@code postgresPort}, closing whatever sessions remain. */
    public void dropOnPort(int postgresPort) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres", postgresPort), "postgres",
                        FleetStack.postgresSuperuserPassword());
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }

    private void runCreateScript(int postgresPort) {
        PostgresTools.runScript(postgresPort, FleetStack.repositoryRoot()
                        .resolve("platform/devstack/src/main/resources/postgres/create-service-database.sql"),
                Map.of("role_prefix", rolePrefix, "database", name, "owner_password", ownerPassword(),
                        "app_password", appPassword()),
                "creating test database " + name);
    }
}
