package io.aicunet.platform.testing;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A packaged service ({@code services/<name>/target/quarkus-app/quarkus-run.jar}) run as
 * its own process on a free port, for tests that need a real peer service: the tenant
 * service handing out data keys, the whole fleet in the end-to-end test. Its log goes to
 * {@code target/<name>-process.log} of the module under test.
 *
 * <p>It runs in the {@code dev} profile, like the local stack: the development settings,
 * development keys among them, exist only there and in {@code test}; in any other
 * profile a service refuses development keys (platform/privacy's ProductionKeyCheck).
 * A test that means another profile sets {@code quarkus.profile}.
 *
 * <p>With {@link #fleetSettings} it serves TLS only, as {@code ./fleet up} and the charts run
 * it ({@link ServiceTls#PROFILE}): a certificate for 127.0.0.1 from the local stack's CA,
 * issued once per test JVM. {@link #channel()} and {@link #uri(String)} reach it over
 * TLS, trusting that CA and checking the name.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** Every port {@link #freePort} handed out in this JVM. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static Path tlsDirectory;
    /** The profile a packaged service runs in unless the test's config names one. */
    public static final String PROFILE = "dev";

    /** Each service's heap bound, in MiB; a service that runs out of it exits, as in a container. */
    public static final int HEAP_MAX_MIB = 256;

    /** How a process that was meant to stop on its own ended: its exit code and its log. */
    public record Exit(int code, String log) {
    }

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    /** The CA its certificate chains to when it serves TLS ({@link ServiceTls}); null for plaintext. */
    private final Path tlsCa;

    private ServiceProcess(String name, int port, Process process, Path log, Path tlsCa) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.tlsCa = tlsCa;
    }

    /**
     * Starts the service with {@code config} as system properties (over its
     * application.properties) and waits until it reports ready.
     */
    public static ServiceProcess start(String name, Map<String, String> config) {
        ServiceProcess started = launch(name, config);
        started.awaitReady();
        return started;
    }

    /**
     * Starts the service like {@link #start} but waits only until its port accepts TCP
     * connections (Quarkus opens it last, once started): for a service whose readiness
     * cannot be asked because no verifying client accepts its certificate (an expired one).
     */
    public static ServiceProcess startListening(String name, Map<String, String> config) {
        ServiceProcess started = launch(name, config);
        started.awaitListening();
        return started;
    }

    /**
     * Another replica of the service a module's integration test runs: the same jar,
     * database ({@link FleetTestResource#database()}), topics and tenant service
     * ({@link TenantServiceProcess}) as the test's own, another port, with {@code extra}
     * settings on top; ready when returned.
     */
    public static ServiceProcess secondReplica(String name, Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>(fleetSettings(FleetTestResource.database(),
                FleetTestResource.topicPrefix()));
        config.put("quarkus.grpc.clients.tenant-keys.host", FleetStack.host());
        config.put("quarkus.grpc.clients.tenant-keys.port", Integer.toString(TenantServiceProcess.port()));
        config.putAll(extra);
        return start(name, config);
    }

    /**
     * Starts the service like {@link #start} and waits for it to exit on its own (a service
     * that refuses to start), up to {@code timeout}; fails if it is still running then.
     */
    public static Exit runUntilExit(String name, Map<String, String> config, Duration timeout) {
        ServiceProcess started = launch(name, config);
        try {
            if (!started.process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                started.close();
                throw new IllegalStateException("the " + name + " service was still running after " + timeout
                        + "; see " + started.log);
            }
            return new Exit(started.process.exitValue(), Files.readString(started.log));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.close();
            throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + started.log, e);
        }
    }

    private static ServiceProcess launch(String name, Map<String, String> config) {
        Path jar = FleetStack.repositoryRoot().resolve("services").resolve(name)
                .resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged " + name + " service at " + jar
                    + ": build it first (mvn -pl services/" + name + " -am package -DskipTests)");
        }
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        // Full tiered compilation, as in production: C1 alone (TieredStopAtLevel=1) has none of
        // the AES-GCM intrinsics, and TLS plus field encryption then tripled large writes.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + HEAP_MAX_MIB + "m",
                "-XX:+ExitOnOutOfMemoryError",
                "-Dquarkus.http.port=" + port));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("quarkus.profile", PROFILE);
        settings.putAll(config);
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        Path log = Path.of("target", name + "-process.log").toAbsolutePath();
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            ServiceProcess started = new ServiceProcess(name, port, process, log,
                    ServiceTls.enabledIn(settings) ? ServiceTls.caOf(settings) : null);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " service", e);
        }
    }

    /**
     * The common settings of a fleet service in a test run: the local stack's profile
     * ({@code dev}: development keys are refused in production), its database, Kafka,
     * topic prefix, OPA, Redis, the identity provider, and the stack's S3 object store
     * ({@link StackObjectStore}) with the run's erasure tombstones under
     * {@link StackObjectStore#tombstonesPrefix(String) a prefix named after its topics}.
     */
    public static Map<String, String> fleetSettings(TestDatabase database, String topicPrefix) {
        Map<String, String> settings = commonSettings(database, topicPrefix);
        settings.putAll(StackObjectStore.settings(StackObjectStore.tombstonesPrefix(topicPrefix)));
        return settings;
    }

    /**
     * Like {@link #fleetSettings(TestDatabase, String)}, but with the privacy object store in
     * the local directory {@code objectStore} ({@code kind=directory}, whatever the default).
     */
    public static Map<String, String> fleetSettings(TestDatabase database, String topicPrefix, Path objectStore) {
        Map<String, String> settings = commonSettings(database, topicPrefix);
        settings.put("aicunet.privacy.object-store.kind", "directory");
        settings.put("aicunet.privacy.object-store-directory", objectStore.toString());
        return settings;
    }

    private static Map<String, String> commonSettings(TestDatabase database, String topicPrefix) {
        FleetStack.grantKafkaRun(topicPrefix);
        Map<String, String> settings = new java.util.HashMap<>(FleetStack.identitySettings());
        settings.putAll(ServiceTls.settings(PROFILE, tlsDirectory().toString()));
        settings.putAll(FleetStack.caSettings());
        settings.putAll(Map.ofEntries(
                Map.entry("quarkus.datasource.reactive.url", database.reactiveUrl()),
                Map.entry("quarkus.datasource.jdbc.url", database.jdbcUrl()),
                Map.entry("quarkus.datasource.username", database.appUser()),
                Map.entry("quarkus.datasource.password", database.appPassword()),
                Map.entry("quarkus.liquibase.username", database.ownerUser()),
                Map.entry("quarkus.liquibase.password", database.ownerPassword()),
                Map.entry("kafka.bootstrap.servers", FleetStack.kafkaBootstrapServers()),
                Map.entry("aicunet.outbox.topic-prefix", topicPrefix),
                Map.entry("aicunet.policy.opa-url", FleetStack.opaUrl()),
                // As the service's own ACL user (docs/redis.md, "ACL users").
                Map.entry("quarkus.redis.hosts", StackRedis.hosts(database.service())),
                Map.entry("quarkus.redis.password", StackRedis.password(database.service()))));
        // The reporting datasource (ledger, audit): the run's database, as its reporting role.
        settings.putAll(ReportingRoles.settings(database));
        return settings;
    }

    /** The certificate, key and CA every service of this JVM serves with: issued on first use. */
    static synchronized Path tlsDirectory() {
        if (tlsDirectory == null) {
            try {
                tlsDirectory = ServiceTls.issue(Files.createTempDirectory("aicunet-service-tls-"), ServiceTls.stackCa(),
                        ServiceTls.stackCa().certificate());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for the services' certificate", e);
            }
        }
        return tlsDirectory;
    }

    /**
     * {@code settings} (from {@link #fleetSettings}) with the service's database on
     * another cluster at 127.0.0.1:{@code postgresPort}, e.g. one that a point-in-time
     * restore brought up: the switch-over of the restore drill. Roles and passwords are
     * the cluster's, so they stay.
     */
    public static Map<String, String> onPostgresPort(Map<String, String> settings, TestDatabase database,
                                                     int postgresPort) {
        Map<String, String> moved = new java.util.HashMap<>(settings);
        moved.put("quarkus.datasource.reactive.url", database.reactiveUrlOnPort(postgresPort));
        moved.put("quarkus.datasource.jdbc.url", database.jdbcUrlOnPort(postgresPort));
        if (ReportingRoles.has(database.service())) {
            moved.put("quarkus.datasource.reporting.reactive.url", database.reactiveUrlOnPort(postgresPort));
        }
        return moved;
    }

    public String name() {
        return name;
    }

    /** The port of REST, gRPC and health (HTTPS only when it serves TLS). */
    public int port() {
        return port;
    }

    /**
     * A gRPC channel to it: over TLS trusting the CA of its settings and checking the name
     * when it serves TLS, plaintext otherwise. The caller shuts it down.
     */
    public ManagedChannel channel() {
        return tlsCa != null ? ServiceTls.channel(port, tlsCa) : ServiceTls.plaintextChannel(port);
    }

    /** The address of {@code path} (e.g. "/q/metrics") on it: https when it serves TLS. */
    public URI uri(String path) {
        return URI.create((tlsCa != null ? "https" : "http") + "://127.0.0.1:" + port + path);
    }

    /** An HTTP client for {@link #uri}: trusting only the CA of its settings when it serves TLS. */
    public HttpClient httpClient() {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tlsCa != null) {
            client.sslContext(ServiceTls.sslContext(tlsCa));
        }
        return client.build();
    }

    /** Its log so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private void awaitReady() {
        // A service serving TLS is asked over HTTPS, trusting only the CA of its settings.
        HttpClient http = httpClient();
        HttpRequest ready = HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
        await("was not ready", () -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private void awaitListening() {
        await("did not listen", () -> {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            }
        });
    }

    /** What {@link #await} polls; an IOException means "not yet". */
    private interface Probe {
        boolean passes() throws IOException, InterruptedException;
    }

    /**
     * Polls {@code probe} every 200 ms until it passes; fails as soon as the process exits,
     * or after READY_TIMEOUT (then stops the process), saying the service {@code failed}.
     */
    private void await(String failed, Probe probe) {
        Instant giveUp = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(giveUp)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the " + name + " service exited with " + process.exitValue()
                        + "; see " + log);
            }
            try {
                if (probe.passes()) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            sleepQuietly();
        }
        close();
        throw new IllegalStateException("the " + name + " service " + failed + " within " + READY_TIMEOUT + "; see " + log);
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /**
     * A port free now and never handed out before in this JVM. Services started at once
     * (e2e's Fleet starts four side by side) each ask for one before any of them binds,
     * and the OS may offer a port again as soon as the probing socket closes: two services
     * given one port, the second fails to bind, and its readiness probe is answered by the
     * first (e2e once sent audit's Append to config: UNIMPLEMENTED).
     */
    private static int freePort() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port", e);
            }
        }
        throw new IllegalStateException("no free port that was not handed out before");
    }
}
