package io.aicunet.e2e;

import io.aicunet.platform.privacy.ObjectStore;
import io.aicunet.platform.privacy.S3ObjectStore;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.StackObjectStore;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The five services of the fleet as processes of their packaged jars, each with a
 * database of its own, sharing one topic prefix and one privacy object store: the fleet
 * as it runs, on the real local stack. The store is the stack's S3 store (the tests'
 * bucket, the fleet's own tombstones prefix; {@link StackObjectStore}). Tests read what
 * the services wrote through {@link #objects}, as the services do.
 */
final class Fleet implements AutoCloseable {

    static final List<String> ANSWERING = List.of("ledger", "agent-state", "audit", "config");

    final String topicPrefix = "e2e-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    /** The privacy object store the services share: export bundles, erasure tombstones. */
    final ObjectStore objects;
    /** Where the services look for erasure tombstones: the fleet's own prefix in {@link #objects}. */
    final String tombstonesPrefix;
    private final Map<String, TestDatabase> databases = new LinkedHashMap<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, ManagedChannel> channels = new HashMap<>();
    private final Map<String, Map<String, String>> configs = new HashMap<>();

    private Fleet() {
        objects = S3ObjectStore.open(new S3ObjectStore.Settings(URI.create(StackObjectStore.endpoint()),
                StackObjectStore.REGION, StackObjectStore.TEST_BUCKET, StackObjectStore.accessKey(),
                StackObjectStore.secretKey(), Optional.of(StackObjectStore.caCertificate()),
                S3ObjectStore.PART_SIZE_BYTES_MIN, Duration.ofSeconds(10)));
        tombstonesPrefix = StackObjectStore.tombstonesPrefix(topicPrefix);
    }

    private static Fleet shared;

    /**
     * The fleet every test class of this module uses: started by the first that asks,
     * stopped when the test JVM exits, so the five services boot once per run.
     */
    static synchronized Fleet shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "e2e-fleet-stop"));
        }
        return shared;
    }

    /** Starts the tenant service, then the four others beside each other. */
    static Fleet start() {
        FleetStack.ensureRunning();
        Fleet fleet = new Fleet();
        try {
            // One at a time: the create script alters shared roles, which Postgres will not do concurrently.
            for (String name : List.of("tenant", "ledger", "agent-state", "audit", "config")) {
                fleet.databases.put(name, TestDatabase.create(name));
            }
            fleet.startService("tenant", Map.of("tenant.privacy-services", String.join(",", ANSWERING)));
            Map<String, String> keys = Map.of(
                    "quarkus.grpc.clients.tenant-keys.host", FleetStack.host(),
                    "quarkus.grpc.clients.tenant-keys.port", Integer.toString(fleet.port("tenant")));
            CompletableFuture.allOf(ANSWERING.stream()
                    .map(name -> CompletableFuture.runAsync(() -> fleet.startService(name, keys)))
                    .toArray(CompletableFuture[]::new)).join();
            return fleet;
        } catch (RuntimeException failed) {
            fleet.close();
            throw failed;
        }
    }

    private void startService(String name, Map<String, String> extra) {
        TestDatabase database = database(name);
        Map<String, String> config = new HashMap<>(ServiceProcess.fleetSettings(database, topicPrefix));
        config.putAll(extra);
        ServiceProcess process = ServiceProcess.start(name, config);
        synchronized (this) {
            configs.put(name, config);
            services.put(name, process);
            channels.put(name, process.channel());
        }
    }

    synchronized boolean running(String service) {
        return services.containsKey(service);
    }

    /** Whether the service's process still runs (it exits when it runs out of heap). */
    synchronized boolean alive(String service) {
        return services.get(service).alive();
    }

    /** Stops the service's process, as a crash or a deployment would. */
    synchronized void stop(String service) {
        channels.remove(service).shutdownNow();
        services.remove(service).close();
    }

    /** Starts a stopped service again: the same database, topics and consumer groups, a new port. */
    void restart(String service) {
        Map<String, String> config;
        synchronized (this) {
            config = configs.get(service);
        }
        ServiceProcess process = ServiceProcess.start(service, config);
        synchronized (this) {
            services.put(service, process);
            channels.put(service, process.channel());
        }
    }

    /** Stops every service, as the switch-over to a restored cluster begins. */
    synchronized void stopAll() {
        for (String service : List.copyOf(services.keySet())) {
            stop(service);
        }
    }

    /**
     * Starts every service again with its database on the cluster at 127.0.0.1:{@code
     * postgresPort} (a restored copy of the stack's cluster): the tenant service first,
     * then the four others beside each other, given its new port for data keys. The
     * same databases, roles, topics and consumer groups.
     */
    void startAllOnPostgresPort(int postgresPort) {
        synchronized (this) {
            if (!services.isEmpty()) {
                throw new IllegalStateException("stop the services first (stopAll): " + services.keySet());
            }
            configs.replaceAll((name, config) -> ServiceProcess.onPostgresPort(config, databases.get(name), postgresPort));
        }
        restart("tenant");
        Map<String, String> keys = Map.of("quarkus.grpc.clients.tenant-keys.port", Integer.toString(port("tenant")));
        synchronized (this) {
            for (String name : ANSWERING) {
                configs.get(name).putAll(keys);
            }
        }
        CompletableFuture.allOf(ANSWERING.stream()
                .map(name -> CompletableFuture.runAsync(() -> restart(name)))
                .toArray(CompletableFuture[]::new)).join();
    }

    synchronized int port(String service) {
        return services.get(service).port();
    }

    synchronized TestDatabase database(String service) {
        return databases.get(service);
    }

    /** A channel to the service, over TLS (it serves nothing else). */
    synchronized Channel channel(String service) {
        return channels.get(service);
    }

    /** A channel to the service sending these caller headers. */
    synchronized Channel as(String service, Map<String, String> caller) {
        return TestCallers.as(channels.get(service), caller);
    }

    @Override
    public synchronized void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        services.values().forEach(ServiceProcess::close);
        databases.values().forEach(TestDatabase::drop);
        if (objects instanceof S3ObjectStore s3) {
            s3.close();
        }
    }
}
