package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the local stack's Postgres (platform/devstack/bin/postgres.sh, docs/tls.md) tried as a
 * client on the network would: the server takes TCP only inside TLS 1.2 or later, with the
 * certificate of the local CA for 127.0.0.1 and localhost, and a verifying client refuses a
 * server it cannot verify. Each attempt is made twice, with the two client libraries the fleet
 * uses: pgjdbc (Liquibase, tests) and libpq (psql, pgbench, the stack's scripts). Every refusal
 * happens before authentication: the right superuser password is offered each time and
 * never helps. Here, in platform/testing, because the TLS settings are the stack's, not a
 * service's; each service's own pool is shown encrypted by its DatabaseTlsTest.
 */
class PostgresTlsTest {

    private static final String DATABASE = "postgres";
    private static final String USER = "postgres";

    @TempDir
    static Path otherCaDirectory;

    private static Path otherCa;

    @BeforeAll
    static void stackAndAnotherCa() throws IOException, InterruptedException {
        FleetStack.ensureRunning();
        // A CA of the attacker's (or of another environment): a certificate it signed is no
        // proof of being the stack's Postgres, and trusting it alone must not reach the server.
        otherCa = ServiceTls.throwawayCa(otherCaDirectory).certificate();
    }

    /** Proves: a client verifying with the stack's CA (verify-full) connects to 127.0.0.1 and to localhost, over TLS 1.2 or later. */
    @Test
    void verifyingClientConnectsOverTls() throws SQLException, IOException, InterruptedException {
        try (Connection connection = DriverManager.getConnection(TestDatabase.jdbcUrl(DATABASE), superuser());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getBoolean("ssl")).as("pgjdbc's session encrypted").isTrue();
            assertThat(row.getString("version")).isIn("TLSv1.2", "TLSv1.3");
        }
        for (String host : List.of(FleetStack.host(), "localhost")) {
            Result psql = psql("host=" + host + " sslmode=verify-full sslrootcert=" + FleetStack.caCertificate(),
                    "SELECT ssl || ' ' || version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
            assertThat(psql.exitCode()).as("psql to %s: %s", host, psql.output()).isZero();
            assertThat(psql.output().strip()).matches("true TLSv1\\.[23]");
        }
    }

    /** Proves: a plaintext TCP connection is refused by the server before authentication, though it offers the right password. */
    @Test
    void plaintextConnectionIsRefused() throws IOException, InterruptedException {
        Properties plaintext = superuser();
        plaintext.setProperty("sslmode", "disable");
        assertThatThrownBy(() -> DriverManager.getConnection(plainUrl(), plaintext).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("pg_hba.conf rejects connection")
                .hasMessageContaining("no encryption");

        Result psql = psql("host=" + FleetStack.host() + " sslmode=disable", "SELECT 1");
        assertThat(psql.exitCode()).as(psql.output()).isNotZero();
        assertThat(psql.output()).contains("pg_hba.conf rejects connection").contains("no encryption");
    }

    /** Proves: a client that trusts another CA refuses the stack's server with verify-full (the handshake fails, no password is sent). */
    @Test
    void clientTrustingAnotherCaRefusesTheServer() throws IOException, InterruptedException {
        Properties otherTrust = superuser();
        otherTrust.setProperty("sslmode", "verify-full");
        otherTrust.setProperty("sslrootcert", otherCa.toString());
        assertThatThrownBy(() -> DriverManager.getConnection(plainUrl(), otherTrust).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("SSL error")
                .hasStackTraceContaining("PKIX path");

        Result psql = psql("host=" + FleetStack.host() + " sslmode=verify-full sslrootcert=" + otherCa, "SELECT 1");
        assertThat(psql.exitCode()).as(psql.output()).isNotZero();
        assertThat(psql.output()).contains("certificate verify failed");
    }

    /**
     * Proves: a client that dials 127.0.0.1 but expects another name (libpq's host for the name,
     * hostaddr for the address) refuses the server: its certificate does not name that host.
     */
    @Test
    void clientExpectingAnotherHostNameRefusesTheServer() throws IOException, InterruptedException {
        Result psql = psql("host=database.example.invalid hostaddr=" + FleetStack.host()
                + " sslmode=verify-full sslrootcert=" + FleetStack.caCertificate(), "SELECT 1");
        assertThat(psql.exitCode()).as(psql.output()).isNotZero();
        assertThat(psql.output()).contains("does not match host name \"database.example.invalid\"");
    }

    /** Proves: a client limited to TLS 1.1 finds no protocol the server speaks (ssl_min_protocol_version TLSv1.2). */
    @Test
    void tlsOlderThanOnePointTwoIsRefused() throws IOException, InterruptedException {
        Result psql = psql("host=" + FleetStack.host() + " sslmode=verify-full sslrootcert=" + FleetStack.caCertificate()
                + " ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1.1", "SELECT 1");
        assertThat(psql.exitCode()).as(psql.output()).isNotZero();
        assertThat(psql.output()).containsIgnoringCase("SSL error");
    }

    private static String plainUrl() {
        return "jdbc:postgresql://" + FleetStack.host() + ":" + FleetStack.postgresPort() + "/" + DATABASE;
    }

    private static Properties superuser() {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", FleetStack.postgresSuperuserPassword());
        return properties;
    }

    private record Result(int exitCode, String output) {
    }

    /** psql with {@code connection} (host, TLS settings), the port, database and user of the stack, the password from the environment. */
    private static Result psql(String connection, String sql) throws IOException, InterruptedException {
        String conninfo = connection + " port=" + FleetStack.postgresPort() + " dbname=" + DATABASE + " user=" + USER
                + " connect_timeout=10";
        return run(List.of("psql", "-X", "-q", "-At", "-d", conninfo, "-c", sql),
                List.of("PGPASSWORD=" + FleetStack.postgresSuperuserPassword()));
    }

    private static Result run(List<String> command, List<String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        // Only what the command names: no PGSSLMODE or PGSSLROOTCERT of the caller's shell.
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        for (String variable : environment) {
            int equals = variable.indexOf('=');
            builder.environment().put(variable.substring(0, equals), variable.substring(equals + 1));
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within 30 s");
        }
        return new Result(process.exitValue(), output);
    }
}
