package io.aicunet.platform.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's own client programs (psql, pgbench) run against the stack as its superuser,
 * the way ./fleet runs them: over TLS with the stack's CA verified ({@code verify-full}),
 * the password in the environment, never on the command line.
 */
public final class PostgresTools {

    private PostgresTools() {
    }

    /**
     * Runs a SQL script with psql as the superuser on the Postgres at {@code port}, database
     * {@code postgres}, stopping at its first error; {@code variables} become {@code -v name=value}.
     */
    public static void runScript(int port, Path script, Map<String, String> variables, String what) {
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", FleetStack.host(), "-p", Integer.toString(port), "-U", "postgres", "-d", "postgres"));
        variables.forEach((name, value) -> command.addAll(List.of("-v", name + "=" + value)));
        command.addAll(List.of("-f", script.toString()));
        run(command, 60, what);
    }

    /** Runs {@code command} as the superuser and returns its output; fails with the output when it fails or outlasts the timeout. */
    public static String run(List<String> command, long timeoutSeconds, String what) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("PGPASSWORD", FleetStack.postgresSuperuserPassword());
            builder.environment().put("PGSSLMODE", "verify-full");
            builder.environment().put("PGSSLROOTCERT", FleetStack.caCertificate().toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " failed (" + String.join(" ", command) + "):\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + " for " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }
}
