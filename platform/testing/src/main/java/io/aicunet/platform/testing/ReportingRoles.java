package io.aicunet.platform.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * A service's reporting role and datasource under test: services that read reports as a
 * role of their own ({@code <svc>_reporting}: the ledger, audit) ship the script that
 * creates it, {@code services/<svc>/src/main/resources/db/bootstrap/create-reporting-role.sql},
 * which ./fleet up and compose run as the superuser. Tests run the same script (idempotent:
 * a stack started before the script existed gets the role too) and point the service's
 * {@code reporting} datasource at the run's database; on a single node it is the primary,
 * as in a deployment without a standby.
 */
public final class ReportingRoles {

    private ReportingRoles() {
    }

    /** Whether {@code service} has a reporting role (and so a reporting datasource). */
    public static boolean has(String service) {
        return Files.isRegularFile(script(service));
    }

    public static String user(String service) {
        return service.replace('-', '_') + "_reporting";
    }

    /** The development password ./fleet up gives the role. */
    public static String password(String service) {
        return user(service) + "_dev";
    }

    /**
     * The reporting datasource's settings for the run's database, after making sure the role
     * exists; none for a service without one.
     */
    public static Map<String, String> settings(TestDatabase database) {
        String service = database.service();
        if (!has(service)) {
            return Map.of();
        }
        ensure(service);
        return Map.of(
                "quarkus.datasource.reporting.reactive.url", database.reactiveUrl(),
                "quarkus.datasource.reporting.username", user(service),
                "quarkus.datasource.reporting.password", password(service));
    }

    /** Runs the service's create-reporting-role.sql as the superuser on the stack's Postgres. */
    public static synchronized void ensure(String service) {
        FleetStack.ensureRunning();
        PostgresTools.runScript(FleetStack.postgresPort(), script(service),
                Map.of("reporting_password", password(service)), "creating the reporting role of " + service);
    }

    /** A JDBC connection to the run's database as the service's reporting role. */
    public static Connection connect(TestDatabase database) throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), user(database.service()), password(database.service()));
    }

    private static Path script(String service) {
        return FleetStack.repositoryRoot()
                .resolve("services/" + service + "/src/main/resources/db/bootstrap/create-reporting-role.sql");
    }
}
