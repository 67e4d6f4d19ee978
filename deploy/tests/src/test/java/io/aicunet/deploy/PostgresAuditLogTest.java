package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.TestDatabase;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Administrative access to the local stack's Postgres is recorded (issue 13, item 6):
 * pgaudit writes DDL and role changes of every role and every statement of a
 * superuser session to the server log, connections are logged with who, from where
 * and with which program, and an app role's writes leave neither a statement nor its
 * parameters there. Runs real statements against the local Postgres (./fleet up
 * --infra) under throw-away names, then reads the log file the devstack writes
 * ($FLEET_HOME/logs/postgres.log, found from the server's data directory).
 */
class PostgresAuditLogTest {

    private static final String APPLICATION = "pgaudit-proof";

    private static String suffix;
    private static String database;
    private static String owner;
    private static String app;
    private static String personalData;
    private static Path log;
    private static long logOffset;

    @BeforeAll
    static void runAdministrativeAndApplicationStatements() throws SQLException, IOException {
        FleetStack.ensureRunning();
        suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        database = "pgaudit_proof_" + suffix;
        owner = database + "_owner";
        app = database + "_app";
        personalData = "jane.doe." + suffix + "@example.com";
        try (Connection superuser = superuser("postgres"); Statement statement = superuser.createStatement()) {
            log = logFile(superuser);
            logOffset = Files.size(log);
            // Role changes and DDL by the superuser, and a read: a superuser session is logged in full.
            statement.execute("CREATE ROLE " + owner + " LOGIN PASSWORD '" + owner + "_pw'");
            statement.execute("CREATE ROLE " + app + " LOGIN PASSWORD '" + app + "_pw'");
            statement.execute("ALTER ROLE " + app + " CONNECTION LIMIT 5");
            statement.execute("CREATE DATABASE " + database + " OWNER " + owner);
            statement.execute("GRANT CONNECT ON DATABASE " + database + " TO " + app);
            statement.execute("SELECT 'superuser read " + suffix + "'");
        }
        // DDL by an ordinary role (the owner, as the services' migrations run it).
        try (Connection connection = login(database, owner); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE people_" + suffix + " (tenant_id uuid NOT NULL, email text NOT NULL)");
            statement.execute("GRANT SELECT, INSERT ON people_" + suffix + " TO " + app);
        }
        // The app role writes and reads personal data on a tenant table, with parameters.
        try (Connection connection = login(database, app);
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO people_" + suffix + " (tenant_id, email) VALUES (?, ?)");
                PreparedStatement select = connection.prepareStatement(
                        "SELECT email FROM people_" + suffix + " WHERE email = ?")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, personalData);
            assertThat(insert.executeUpdate()).isEqualTo(1);
            select.setString(1, personalData);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
            }
        }
    }

    @AfterAll
    static void dropDatabaseAndRoles() throws SQLException {
        if (suffix == null) {
            return;
        }
        try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            statement.execute("DROP ROLE IF EXISTS " + app);
            statement.execute("DROP ROLE IF EXISTS " + owner);
        }
    }

    /** Proves: role changes (CREATE/ALTER ROLE, GRANT) are audited, with the password redacted. */
    @Test
    void roleChangesAreAudited() {
        List<String> lines = awaitLines(line -> line.contains("AUDIT: SESSION") && line.contains(",ROLE,GRANT,")
                && line.contains(app));

        assertThat(auditLines()).anySatisfy(line -> assertThat(line)
                .contains("user=postgres").contains(",ROLE,CREATE ROLE,").contains("CREATE ROLE " + owner)
                .contains("PASSWORD <REDACTED>"));
        assertThat(auditLines()).anySatisfy(line -> assertThat(line)
                .contains(",ROLE,ALTER ROLE,").contains("ALTER ROLE " + app + " CONNECTION LIMIT 5"));
        assertThat(lines).isNotEmpty();
        assertThat(newLog()).doesNotContain(owner + "_pw").doesNotContain(app + "_pw");
    }

    /** Proves: DDL is audited for every role, not only superusers: the owner's CREATE TABLE names the user, database and table. */
    @Test
    void ddlOfEveryRoleIsAudited() {
        awaitLines(line -> line.contains("AUDIT: SESSION") && line.contains(",DDL,CREATE TABLE,"));

        assertThat(auditLines()).anySatisfy(line -> assertThat(line)
                .contains("user=" + owner).contains("db=" + database).contains("app=" + APPLICATION)
                .contains(",DDL,CREATE TABLE,").contains("people_" + suffix));
        assertThat(auditLines()).anySatisfy(line -> assertThat(line)
                .contains("user=postgres").contains(",DDL,CREATE DATABASE,").contains(database));
    }

    /** Proves: a superuser session is audited in full (pgaudit.log = 'all' on the superuser): even its plain reads. */
    @Test
    void superuserSessionIsAuditedInFull() {
        awaitLines(line -> line.contains("AUDIT: SESSION") && line.contains("superuser read " + suffix));

        assertThat(auditLines()).anySatisfy(line -> assertThat(line)
                .contains("user=postgres").contains(",READ,SELECT,").contains("superuser read " + suffix));
    }

    /** Proves: the app role's writes and reads of a tenant table are not session-logged, and the personal data it bound as parameters appears nowhere in the log. */
    @Test
    void appRoleDataAccessIsNotLoggedWithParameters() {
        // The app's disconnection is logged after its statements ran: by then they would be in the log.
        awaitLines(line -> line.contains("disconnection:") && line.contains("user=" + app));

        assertThat(auditLines()).noneMatch(line -> line.contains("user=" + app));
        assertThat(newLog()).doesNotContain(personalData);
        assertThat(auditLines()).allSatisfy(line -> assertThat(line).endsWith("<not logged>"));
    }

    /** Proves: connections and disconnections are logged, each line prefixed with time, user, database, application and client address. */
    @Test
    void connectionsAreLoggedWithWhoAndWhere() {
        List<String> authorized = awaitLines(line -> line.contains("connection authorized: user=" + app));

        assertThat(authorized).anySatisfy(line -> assertThat(line)
                .matches("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} UTC \\[\\d+\\] user=" + app + " db=" + database
                        + " app=.* client=127\\.0\\.0\\.1 LOG:  connection authorized: .*"));
        awaitLines(line -> line.contains("disconnection: session time:") && line.contains("user=" + owner)
                && line.contains("app=" + APPLICATION));
    }

    private static List<String> auditLines() {
        return newLog().lines().filter(line -> line.contains(suffix) || line.contains(owner) || line.contains(app))
                .filter(line -> line.contains("AUDIT: "))
                .toList();
    }

    private static List<String> awaitLines(java.util.function.Predicate<String> match) {
        return Awaitility.await("log lines in " + log).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> newLog().lines().filter(match).toList(), lines -> !lines.isEmpty());
    }

    /** What the server logged since this test began. */
    private static String newLog() {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length() - logOffset;
            byte[] bytes = new byte[(int) Math.max(0, length)];
            file.seek(logOffset);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ./fleet keeps the cluster in $FLEET_HOME/postgres and its log in $FLEET_HOME/logs/postgres.log. */
    private static Path logFile(Connection superuser) throws SQLException {
        try (Statement statement = superuser.createStatement();
                ResultSet row = statement.executeQuery("SELECT current_setting('data_directory')")) {
            row.next();
            Path file = Path.of(row.getString(1)).getParent().resolve("logs/postgres.log");
            assertThat(file).as("the local stack's Postgres log").isRegularFile();
            return file;
        }
    }

    private static Connection superuser(String name) throws SQLException {
        return connect(name, "postgres", FleetStack.postgresSuperuserPassword());
    }

    private static Connection login(String name, String role) throws SQLException {
        return connect(name, role, role + "_pw");
    }

    private static Connection connect(String name, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("ApplicationName", APPLICATION);
        return DriverManager.getConnection(
                TestDatabase.jdbcUrl(name), properties);
    }
}
