package io.aicunet.ha;

import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.contracts.tenant.v1.Tier;
import io.aicunet.platform.testing.HaStack;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The services the drills call, as processes of their packaged jars on the clustered stack
 * ({@link HaStack}): each with a database of its own on the Postgres pair (created on the
 * primary, replicated to the standby), Redis in cluster mode, Kafka with every broker, one
 * topic prefix for the run. Started once per test JVM.
 */
final class HaFleet implements AutoCloseable {

    static final List<String> SERVICES = List.of("tenant", "ledger", "agent-state", "audit");

    final String topicPrefix = "ha-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final Map<String, TestDatabase> databases = new LinkedHashMap<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, ManagedChannel> channels = new HashMap<>();

    private static HaFleet shared;

    static synchronized HaFleet shared() {
        if (shared == null) {
            HaStack.ensureUp();
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "ha-fleet-stop"));
        }
        return shared;
    }

    private static HaFleet start() {
        HaFleet fleet = new HaFleet();
        try {
            HaStack.grantKafkaRun(fleet.topicPrefix);
            for (String name : SERVICES) {
                fleet.databases.put(name, TestDatabase.createOnPort(name, HaStack.postgresPrimaryPort()));
            }
            fleet.startService("tenant", Map.of("tenant.privacy-services", "ledger,agent-state,audit"));
            Map<String, String> keys = Map.of(
                    "quarkus.grpc.clients.tenant-keys.host", "127.0.0.1",
                    "quarkus.grpc.clients.tenant-keys.port", Integer.toString(fleet.services.get("tenant").port()));
            CompletableFuture.allOf(SERVICES.stream().filter(name -> !name.equals("tenant"))
                    .map(name -> CompletableFuture.runAsync(() -> fleet.startService(name, keys)))
                    .toArray(CompletableFuture[]::new)).join();
            return fleet;
        } catch (RuntimeException failed) {
            fleet.close();
            throw failed;
        }
    }

    private void startService(String name, Map<String, String> extra) {
        TestDatabase database;
        synchronized (this) {
            database = databases.get(name);
        }
        Map<String, String> config = HaStack.serviceSettings(ServiceProcess.fleetSettings(database, topicPrefix),
                database);
        config.putAll(extra);
        ServiceProcess process = ServiceProcess.start(name, config);
        synchronized (this) {
            services.put(name, process);
            channels.put(name, process.channel());
        }
    }

    /**
     * Registers a tenant with the tenant service (it hands out the tenant's data key), on the
     * enterprise tier: the drills' callers make more calls a minute than a standard tenant may.
     */
    String createTenant() {
        return TenantServiceGrpc.newBlockingStub(as("tenant", TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().setTier(Tier.TIER_ENTERPRISE).build()).getTenant().getId();
    }

    synchronized TestDatabase database(String service) {
        return databases.get(service);
    }

    /** Whether the service's process still runs: a drill must not need a restart. */
    synchronized boolean alive(String service) {
        return services.get(service).alive();
    }

    /** A channel to the service sending these caller headers. */
    synchronized Channel as(String service, Map<String, String> caller) {
        return TestCallers.as(channels.get(service), caller);
    }

    @Override
    public synchronized void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        services.values().forEach(ServiceProcess::close);
        channels.clear();
        services.clear();
    }
}
