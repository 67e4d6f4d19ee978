package io.aicunet.agentstate.outage;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A redis-server of the test's own, without persistence, as a child process: so a test
 * may stop and restart Redis without disturbing anyone else using the local stack's.
 */
final class RedisServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final int port;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
    }

    static RedisServer onFreePort() {
        RedisServer server = new RedisServer(freePort());
        server.start();
        return server;
    }

    int port() {
        return port;
    }

    /** Starts (again), empty, on the same port; returns once it answers. */
    void start() {
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "agent-state-test-redis-" + port
                            + ".log"))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (is it installed?)", e);
        }
        Awaitility.await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> "PONG"
                .equals(command("PING")));
    }

    /** Stops the server; everything it held is gone (no persistence). */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping redis-server", e);
        }
        process = null;
    }

    /** Runs one command with redis-cli straight against this server; its raw output, trimmed. */
    String command(String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
                Integer.toString(port), "--raw"));
        command.addAll(List.of(arguments));
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
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
