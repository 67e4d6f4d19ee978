package io.aicunet.ledger;

import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.FleetTestResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fleet's test resource plus what only the ledger needs: its reporting role,
 * made by the same bootstrap script an operator runs (the owner role may not create
 * roles), and the reporting datasource pointed at the run's database.
 */
public class LedgerTestResource extends FleetTestResource {

    static final String REPORTING_USER = "ledger_reporting";
    static final String REPORTING_PASSWORD = "ledger_reporting_dev";

    @Override
    public Map<String, String> start() {
        FleetStack.ensureRunning();
        createReportingRole();
        Map<String, String> config = new HashMap<>(super.start());
        config.put("quarkus.datasource.reporting.reactive.url", database().reactiveUrl());
        config.put("quarkus.datasource.reporting.username", REPORTING_USER);
        config.put("quarkus.datasource.reporting.password", REPORTING_PASSWORD);
        return config;
    }

    /** A JDBC connection as the reporting role, to the run's database. */
    static Connection connectAsReporting() throws SQLException {
        return DriverManager.getConnection(database().jdbcUrl(), REPORTING_USER, REPORTING_PASSWORD);
    }

    static void createReportingRole() {
        Path script = FleetStack.repositoryRoot()
                .resolve("services/ledger/src/main/resources/db/bootstrap/create-reporting-role.sql");
        List<String> command = List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", FleetStack.host(), "-p", Integer.toString(FleetStack.postgresPort()), "-U", "postgres",
                "-d", "postgres", "-v", "reporting_password=" + REPORTING_PASSWORD, "-f", script.toString());
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("PGPASSWORD", FleetStack.postgresSuperuserPassword());
            builder.environment().put("PGSSLMODE", "verify-full");
            builder.environment().put("PGSSLROOTCERT", FleetStack.caCertificate().toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("creating the reporting role failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run psql", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the reporting role", e);
        }
    }
}
