package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the local stack's Redis (platform/devstack/bin/redis.sh, docs/tls.md "Redis") tried
 * as a client on the network would: the port takes only TLS 1.2 or later, with the
 * certificate of the local CA for 127.0.0.1 and localhost, and a verifying client refuses a
 * server it cannot verify (another CA, another name, an expired certificate), before it
 * sends its password. Clients: the JDK's TLS (this
 * module's {@link RedisConnection}), the Vert.x Redis client with the options the services'
 * TLS registry configuration gives it ({@link StackRedisClient}), and redis-cli. Each
 * service's own client is shown verifying the host name by agent-state's RedisTlsTest.
 */
class RedisTlsTest {

    /** A loopback address Redis does not listen on and its certificate does not name. */
    private static final String OTHER_ADDRESS = "127.0.0.2";

    @TempDir
    static Path otherCaDirectory;

    private static Path otherCa;
    private static Forwarder forwarder;
    private static Vertx vertx;

    @BeforeAll
    static void stackAndAnotherCa() throws IOException, InterruptedException {
        FleetStack.ensureRunning();
        // A CA of the attacker's (or of another environment): a certificate it signed is no
        // proof of being the stack's Redis.
        otherCa = ServiceTls.throwawayCa(otherCaDirectory).certificate();
        // The stack's Redis reached under a name its certificate does not carry: the bytes
        // are the real server's, only the address dialled differs.
        forwarder = new Forwarder(OTHER_ADDRESS, FleetStack.redisPort());
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void close() {
        if (forwarder != null) {
            forwarder.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** Proves: a client verifying with the stack's CA and the host name connects to 127.0.0.1 and localhost over TLS 1.2+. */
    @Test
    void verifyingClientConnectsOverTls() {
        for (String host : List.of(FleetStack.host(), "localhost")) {
            try (RedisConnection redis = RedisConnection.open(host, FleetStack.redisPort(), FleetStack.caCertificate())) {
                assertThat(redis.tlsProtocol()).as("TLS version to %s", host).isIn("TLSv1.2", "TLSv1.3");
                redis.call("AUTH", StackRedis.ADMIN, StackRedis.password(StackRedis.ADMIN));
                assertThat(redis.call("PING")).isEqualTo("PONG");
                // The server's own settings: TLS 1.2 and 1.3 only, no plaintext port.
                assertThat(redis.call("CONFIG", "GET", "tls-protocols")).isEqualTo(List.of("tls-protocols", "TLSv1.2 TLSv1.3"));
                assertThat(redis.call("CONFIG", "GET", "port")).isEqualTo(List.of("port", "0"));
            }
        }
        Redis client = Redis.createClient(vertx, StackRedisClient.options(StackRedis.ADMIN));
        try {
            assertThat(client.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS).join().toString()).isEqualTo("PONG");
        } finally {
            client.close();
        }
        Result cli = redisCli(FleetStack.caCertificate(), "ping");
        assertThat(cli.output().strip()).as("redis-cli --tls with the stack's CA").isEqualTo("PONG");
    }

    /** Proves: a plaintext client gets no answer, not even to AUTH with the right password: Redis drops it. */
    @Test
    void plaintextConnectionIsRefused() {
        try (RedisConnection plaintext = RedisConnection.openPlaintext(FleetStack.host(), FleetStack.redisPort())) {
            assertThatThrownBy(() -> plaintext.call("AUTH", StackRedis.ADMIN, StackRedis.password(StackRedis.ADMIN)))
                    .isInstanceOf(UncheckedIOException.class);
        }
        Redis client = Redis.createClient(vertx, "redis://" + StackRedis.ADMIN + ":" + StackRedis.password(StackRedis.ADMIN)
                + "@" + FleetStack.host() + ":" + FleetStack.redisPort());
        try {
            assertThatThrownBy(() -> client.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS).join()).as("Vert.x over redis://").isInstanceOf(java.util.concurrent.CompletionException.class);
        } finally {
            client.close();
        }
    }

    /** Proves: a client trusting another CA refuses the server during the handshake (JDK, Vert.x, redis-cli). */
    @Test
    void clientTrustingAnotherCaRefusesTheServer() {
        assertThatThrownBy(() -> RedisConnection.open(FleetStack.host(), FleetStack.redisPort(), otherCa).close())
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(SSLHandshakeException.class)
                .cause().hasMessageContaining("PKIX path building failed");
        Redis client = Redis.createClient(vertx, StackRedisClient.options(StackRedis.connectionString(StackRedis.ADMIN), otherCa));
        try {
            assertThatThrownBy(() -> client.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS).join()).as("Vert.x trusting another CA")
                    .hasStackTraceContaining("PKIX path building failed");
        } finally {
            client.close();
        }
        Result cli = redisCli(otherCa, "ping");
        assertThat(cli.output()).as("redis-cli --tls with another CA").contains("certificate verify failed")
                .doesNotContain("PONG");
    }

    /** Proves: a client verifying with the stack's CA but dialling a name the certificate lacks refuses the server. */
    @Test
    void clientDiallingAnotherNameRefusesTheServer() {
        assertThatThrownBy(() -> RedisConnection.open(OTHER_ADDRESS, forwarder.port(), FleetStack.caCertificate()).close())
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(SSLHandshakeException.class)
                .cause().hasMessageContaining("No subject alternative names matching IP address " + OTHER_ADDRESS);
        Redis client = Redis.createClient(vertx, StackRedisClient.options("rediss://" + StackRedis.ADMIN + ":"
                + StackRedis.password(StackRedis.ADMIN) + "@" + OTHER_ADDRESS + ":" + forwarder.port(),
                FleetStack.caCertificate()));
        try {
            assertThatThrownBy(() -> client.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS).join()).as("Vert.x dialling " + OTHER_ADDRESS)
                    .hasStackTraceContaining("No subject alternative names matching IP address " + OTHER_ADDRESS);
        } finally {
            client.close();
        }
        // The forwarder itself passes a connection through: without the name check it would connect.
        assertThat(forwarder.connections()).isGreaterThanOrEqualTo(2);
    }

    /**
     * Proves: a client refuses a Redis whose certificate, from the stack's CA and for the name
     * dialled, has expired (a scratch redis-server, TLS only, set up as the stack's).
     */
    @Test
    void clientRefusesAnExpiredCertificate() throws IOException, InterruptedException {
        Path directory = ServiceTls.issueExpired(otherCaDirectory.resolve("expired"), ServiceTls.stackCa(),
                FleetStack.caCertificate());
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName(FleetStack.host()))) {
            port = free.getLocalPort();
        }
        Process server = new ProcessBuilder(List.of("redis-server", "--port", "0", "--tls-port", Integer.toString(port),
                "--bind", FleetStack.host(), "--save", "", "--appendonly", "no", "--dir", directory.toString(),
                "--tls-cert-file", directory.resolve("tls.crt").toString(),
                "--tls-key-file", directory.resolve("tls.key").toString(),
                "--tls-ca-cert-file", FleetStack.caCertificate().toString(), "--tls-auth-clients", "no"))
                .redirectErrorStream(true).redirectOutput(directory.resolve("redis.log").toFile()).start();
        try {
            waitUntilListening(port);
            assertThatThrownBy(() -> RedisConnection.open(FleetStack.host(), port, FleetStack.caCertificate()).close())
                    .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(SSLHandshakeException.class)
                    .hasStackTraceContaining("CertificateExpiredException");
            Redis client = Redis.createClient(vertx, StackRedisClient.options("rediss://" + FleetStack.host() + ":" + port,
                    FleetStack.caCertificate()));
            try {
                assertThatThrownBy(() -> client.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture()
                        .orTimeout(10, TimeUnit.SECONDS).join()).as("Vert.x against an expired certificate")
                        .hasStackTraceContaining("CertificateExpiredException");
            } finally {
                client.close();
            }
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void waitUntilListening(int port) {
        org.awaitility.Awaitility.await("the scratch redis-server listening on " + port)
                .atMost(java.time.Duration.ofSeconds(20)).pollInterval(java.time.Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    try (Socket probe = new Socket(FleetStack.host(), port)) {
                        return true;
                    }
                });
    }

    private static Result redisCli(Path ca, String... arguments) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", FleetStack.host(), "-p",
                Integer.toString(FleetStack.redisPort()), "--tls", "--cacert", ca.toString(), "--no-auth-warning",
                "--user", StackRedis.ADMIN));
        command.addAll(List.of(arguments));
        try {
            return run(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Result(int status, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("REDISCLI_AUTH", StackRedis.password(StackRedis.ADMIN));
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within 30 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** A TCP forwarder from {@code address}:(a free port) to the stack's Redis on 127.0.0.1: bytes only, no TLS of its own. */
    private static final class Forwarder implements AutoCloseable {

        private final ServerSocket server;
        private final int targetPort;
        private volatile int connections;

        Forwarder(String address, int targetPort) throws IOException {
            this.targetPort = targetPort;
            this.server = new ServerSocket();
            server.bind(new InetSocketAddress(address, 0));
            Thread acceptor = new Thread(this::accept, "redis-tls-test-forwarder");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return connections;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket target = new Socket(FleetStack.host(), targetPort);
                    connections++;
                    pipe(client, target);
                    pipe(target, client);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void pipe(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // One side closed: close both.
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "redis-tls-test-pipe");
            thread.setDaemon(true);
            thread.start();
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException e) {
                // Already closed.
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }
}
