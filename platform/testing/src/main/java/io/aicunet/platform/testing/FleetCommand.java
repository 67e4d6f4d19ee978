package io.aicunet.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The repository's {@code ./fleet} script run as a process, as an operator runs it from
 * the runbook (docs/backup-restore.md): same environment (the FLEET_* variables that
 * {@code ./fleet test} exported), plus whatever a test adds. Shared by the modules
 * whose tests drive ./fleet: e2e (backup and restore drills) and ha (failover drills).
 */
public final class FleetCommand {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** How it ended: exit code, what it printed on each stream, how long it took. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration took) {

        /** Fails, with both streams, unless the command exited 0. */
        public Result succeeded() {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout
                        + "\n--- stderr\n" + stderr);
            }
            return this;
        }

        public String output() {
            return stdout + stderr;
        }
    }

    private FleetCommand() {
    }

    public static Result run(String... arguments) {
        return run(Map.of(), arguments);
    }

    /** Takes a backup with `./fleet backup` unless `./fleet backups` lists one already (a fresh stack has none). */
    public static void ensureABackup() {
        if (run("backups").succeeded().stdout().contains("no backups yet")) {
            run("backup").succeeded();
        }
    }

    /** Runs {@code ./fleet arguments...} with {@code environment} added, and waits (at most 10 minutes). */
    public static Result run(Map<String, String> environment, String... arguments) {
        Path root = FleetStack.repositoryRoot();
        List<String> command = new ArrayList<>();
        command.add(root.resolve("fleet").toString());
        command.addAll(List.of(arguments));
        try {
            Path out = Files.createTempFile("fleet-command-", ".out");
            Path err = Files.createTempFile("fleet-command-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(environment);
                long started = System.nanoTime();
                Process process = builder.start();
                if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not end within " + TIMEOUT);
                }
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                Result result = new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), took);
                System.out.printf("drill: %s -> exit %d in %.1f s%n%s%s", String.join(" ", arguments),
                        result.exitCode(), took.toMillis() / 1000.0, result.stdout(), result.stderr());
                return result;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
