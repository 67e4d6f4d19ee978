package io.aicunet.agentstate.outage;

import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.StackRedis;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A redis-server of the test's own, as a child process, so a test may kill, stop and
 * restart Redis without disturbing anyone else using the local stack's. It runs with
 * the local stack's persistence settings, read from the same file
 * ({@value #SETTINGS}), in a data directory of its own, and with the local stack's Redis
 * users (the ACL file ./fleet rendered, {@code $FLEET_HOME/redis/users.acl}), so the
 * service connects as its own user here too (docs/redis.md, "ACL users"), over TLS only
 * with the local stack's Redis certificate (docs/tls.md, "Redis").
 */
final class RedisServer {

    /** The persistence settings of every Redis the fleet starts, relative to the checkout. */
    static final String SETTINGS = "platform/devstack/src/main/resources/redis/redis.conf";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** How a process killed by SIGKILL exits: 128 + 9. */
    private static final int KILLED_EXIT_STATUS = 137;

    private final int port;
    private final Path settings;
    private final Path directory;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
        this.settings = FleetStack.repositoryRoot().resolve(SETTINGS);
        if (!Files.isRegularFile(settings)) {
            throw new IllegalStateException("the local stack's Redis settings are missing: " + settings);
        }
        try {
            this.directory = Files.createTempDirectory("agent-state-test-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory of the test's Redis", e);
        }
    }

    static RedisServer onFreePort() {
        RedisServer server = new RedisServer(freePort());
        server.start();
        return server;
    }

    int port() {
        return port;
    }

    /**
     * Starts (again) on the same port and data directory, loading what Redis persisted
     * there (nothing after {@link #stopAndDeleteData}); returns once it answers, that is
     * after it has loaded its data.
     */
    void start() {
        try {
            // TLS only, as the stack's: no plaintext port, the stack's certificate for
            // 127.0.0.1 (the service verifies it as it verifies the stack's Redis).
            process = new ProcessBuilder(List.of("redis-server", settings.toString(), "--port", "0",
                    "--tls-port", Integer.toString(port),
                    "--tls-cert-file", tlsFile("redis.crt").toString(), "--tls-key-file", tlsFile("redis.key").toString(),
                    "--tls-ca-cert-file", FleetStack.caCertificate().toString(),
                    "--bind", "127.0.0.1", "--dir", directory.toString(), "--daemonize", "no",
                    "--aclfile", aclFile().toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(System.getProperty("java.io.tmpdir"),
                            "agent-state-test-redis-" + port + ".log")))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (is it installed?)", e);
        }
        Awaitility.await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> "PONG"
                .equals(command("PING")));
    }

    /**
     * Kills the server with SIGKILL, as the OOM killer or a crashed node would: no
     * shutdown, no last save. Its data directory stays, as the host's page cache does.
     */
    void kill() {
        if (process == null) {
            throw new IllegalStateException("redis-server is not running");
        }
        // On Linux destroyForcibly sends SIGKILL; the exit status proves it did.
        process.destroyForcibly();
        int status = waitForExit();
        if (status != KILLED_EXIT_STATUS) {
            throw new IllegalStateException("redis-server exited with " + status + ", not by SIGKILL");
        }
        process = null;
    }

    /**
     * Stops the server and deletes everything it persisted: Redis lost with its disk, so
     * the next {@link #start} is empty.
     */
    void stopAndDeleteData() {
        if (process != null) {
            process.destroy();
            if (waitForExit() < 0) {
                process.destroyForcibly();
                waitForExit();
            }
            process = null;
        }
        deleteContents(directory);
    }

    /** Stops the server for good and removes its data directory. */
    void close() {
        stopAndDeleteData();
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + directory, e);
        }
    }

    /**
     * The settings of {@value #SETTINGS} that the running server does not have (name to
     * what it runs with); empty when it runs with exactly the local stack's persistence.
     */
    Map<String, String> settingsDifferingFromTheStack() {
        Map<String, String> differing = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(settings)) {
            lines.map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(line -> {
                String[] nameAndValue = line.split("\\s+", 2);
                // Quotes in the file only delimit a value, e.g. save "" (no snapshots).
                String expected = nameAndValue.length > 1 ? nameAndValue[1].replaceAll("^\"(.*)\"$", "$1") : "";
                String running = command("CONFIG", "GET", nameAndValue[0]).lines().skip(1).findFirst().orElse("");
                if (!running.equals(expected)) {
                    differing.put(nameAndValue[0], running);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + settings, e);
        }
        return differing;
    }

    /** The fields of {@code INFO <section>}, e.g. {@code info("persistence").get("aof_buffer_length")}. */
    Map<String, String> info(String section) {
        Map<String, String> fields = new LinkedHashMap<>();
        command("INFO", section).lines().filter(line -> line.contains(":")).forEach(line -> fields.put(
                line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1).strip()));
        return fields;
    }

    /** The exit status, or -1 when the process did not exit within the timeout. */
    private int waitForExit() {
        try {
            return process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server to exit", e);
        }
    }

    private static void deleteContents(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).filter(path -> !path.equals(directory)).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + directory, e);
        }
    }

    /** A file of the local stack's CA directory (the Redis certificate and key tls.sh issued for ./fleet's Redis). */
    private static Path tlsFile(String name) {
        Path file = FleetStack.fleetHome().resolve("tls").resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the local stack's Redis certificate is missing: " + file + " (./fleet up --infra)");
        }
        return file;
    }

    /** The local stack's rendered ACL file; it exists once ./fleet has started the stack's Redis. */
    private static Path aclFile() {
        Path file = FleetStack.fleetHome().resolve("redis").resolve("users.acl");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the local stack's Redis users are missing: " + file + " (./fleet up --infra)");
        }
        return file;
    }

    /**
     * Runs one command with redis-cli straight against this server, as the stack's Redis
     * administrator (the password through REDISCLI_AUTH, not on the command line); its raw
     * output, trimmed.
     */
    String command(String... arguments) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
                Integer.toString(port), "--tls", "--cacert", FleetStack.caCertificate().toString(),
                "--raw", "--no-auth-warning", "--user", StackRedis.ADMIN));
        command.addAll(List.of(arguments));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("REDISCLI_AUTH", StackRedis.password(StackRedis.ADMIN));
            Process cli = builder.start();
            String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!cli.waitFor(10, TimeUnit.SECONDS)) {
                cli.destroyForcibly();
                throw new IllegalStateException("redis-cli did not finish");
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-cli", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
