package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.FleetCommand;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.StackRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A partial local stack that one test owns: its own FLEET_HOME (under the stack's, which
 * the cluster's OS user can reach), its own free ports, and only the components it names
 * ({@code ./fleet up --only}). A test may stop its object store or replace its Postgres;
 * the stack every other test uses is never touched. {@link #close()} stops what it
 * started ({@code ./fleet down} with the same environment, and any restored cluster
 * still running under its home) and deletes the home; after {@link #keepLogs()} (a test
 * failed) it first copies the home's logs to {@code target/own-stacks/<home>}.
 */
final class OwnStack implements AutoCloseable {

    private final Path home;
    private final Map<String, String> environment;
    private final int postgresPort;
    private final int redisPort;
    private volatile boolean keepLogs;

    private OwnStack(Path home, Map<String, String> environment) {
        this.home = home;
        this.environment = environment;
        this.postgresPort = Integer.parseInt(environment.get("FLEET_PG_PORT"));
        this.redisPort = Integer.parseInt(environment.get("FLEET_REDIS_PORT"));
    }

    /**
     * Starts {@code components} (e.g. {@code object-store,postgres,redis}) in a new home
     * named after {@code name}; the other components' ports are free ports too, so that
     * nothing this stack runs can reach the shared stack's.
     */
    static OwnStack start(String name, String components) throws IOException {
        Path home = FleetStack.fleetHome().resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(home);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("FLEET_HOME", home.toString());
        for (String port : List.of("FLEET_PG_PORT", "FLEET_REDIS_PORT", "FLEET_KAFKA_PORT",
                "FLEET_KAFKA_CONTROLLER_PORT", "FLEET_OPA_PORT", "FLEET_KEYCLOAK_PORT",
                "FLEET_KEYCLOAK_MANAGEMENT_PORT", "FLEET_OBJECT_STORE_PORT")) {
            environment.put(port, Integer.toString(RestoreDrillTest.freePort()));
        }
        // Its own repository configuration, no scheduled backups, and backup and restore
        // records for an audit service that does not exist (they queue in this home).
        environment.put("FLEET_BACKUP_CONF", "");
        environment.put("FLEET_BACKUP_SCHEDULE", "off");
        environment.put("FLEET_AUDIT_URL", "http://127.0.0.1:" + RestoreDrillTest.freePort());
        OwnStack stack = new OwnStack(home, Map.copyOf(environment));
        try {
            stack.fleet("up", "--only", components).succeeded();
        } catch (RuntimeException | AssertionError e) {
            // Half started: stop what did start, so nothing outlives the failed test.
            try {
                stack.close();
            } catch (IOException | RuntimeException | AssertionError closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return stack;
    }

    Path home() {
        return home;
    }

    /** The FLEET_* variables that point ./fleet at this stack (for a process a test starts itself). */
    Map<String, String> environment() {
        return environment;
    }

    int postgresPort() {
        return postgresPort;
    }

    /** {@code ./fleet ARGS} against this stack. */
    FleetCommand.Result fleet(String... arguments) {
        return FleetCommand.run(environment, arguments);
    }

    /**
     * A superuser connection to {@code database} of the cluster on {@code port} (this stack's
     * or one restored from it), over TLS verified with this stack's own CA (verify-full):
     * its clusters present certificates of the CA under its home, not the shared stack's.
     */
    Connection connect(int port, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database
                + "?sslmode=verify-full&sslrootcert=" + home.resolve("tls/ca.crt"), "postgres",
                FleetStack.postgresSuperuserPassword());
    }

    Connection connect(String database) throws SQLException {
        return connect(postgresPort, database);
    }

    /** The first column of the first row of {@code sql} on this stack's {@code database}. */
    String query(String database, String sql) throws SQLException {
        try (Connection connection = connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from %s", sql).isTrue();
            return rows.getString(1);
        }
    }

    /** The pid of this stack's running Postgres (first line of its postmaster.pid). */
    long postgresPid() throws IOException {
        return Long.parseLong(Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(0).trim());
    }

    /**
     * redis-cli against this stack's Redis as its administrator (docs/redis.md, "ACL users";
     * the password through REDISCLI_AUTH, not on the command line); its output, trimmed.
     */
    String redis(String... arguments) {
        // Over TLS, trusting this stack's own CA: its Redis takes nothing else (docs/tls.md, "Redis").
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(redisPort),
                "--tls", "--cacert", home.resolve("tls/ca.crt").toString(),
                "--no-auth-warning", "--user", StackRedis.ADMIN));
        command.addAll(List.of(arguments));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("REDISCLI_AUTH", StackRedis.password(StackRedis.ADMIN));
            Process process = builder.start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not end within 30 s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** Makes {@link #close()} keep this stack's logs (a test failed): see {@link #copyLogs()}. */
    void keepLogs() {
        keepLogs = true;
    }

    /**
     * Copies the logs of this stack into {@code target/own-stacks/<home name>} of the module:
     * the stack's {@code logs} (Postgres, pgBackRest's backup and restore logs, the object
     * store) and every {@code *.log} at the top of its home (a restored cluster's recovery
     * log lies beside its directory, and stays when a failed restore removed the directory).
     */
    private void copyLogs() throws IOException {
        Path kept = Path.of("target", "own-stacks", home.getFileName().toString()).toAbsolutePath();
        Files.createDirectories(kept);
        try (Stream<Path> paths = Files.walk(home)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                Path relative = home.relativize(path);
                boolean log = relative.startsWith("logs")
                        || relative.getNameCount() == 1 && path.getFileName().toString().contains(".log");
                if (log) {
                    Files.createDirectories(kept.resolve(relative).getParent());
                    Files.copy(path, kept.resolve(relative), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        System.out.printf("own stack: logs of %s kept in %s%n", home, kept);
    }

    @Override
    public void close() throws IOException {
        if (keepLogs) {
            copyLogs();
        }
        try (Stream<Path> children = Files.list(home)) {
            for (Path restored : children.filter(dir -> Files.exists(dir.resolve("postmaster.pid"))
                    && !dir.getFileName().toString().equals("postgres")).toList()) {
                fleet("restore", "--stop", restored.toString());
            }
        }
        fleet("down").succeeded();
        RestoreDrillTest.deleteRecursively(home);
    }
}
