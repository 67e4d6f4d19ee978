package io.aicunet.platform.testing;

import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.grpc.ManagedChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * The real tenant service as a peer of a service under test, one per test JVM: it owns
 * tenants and their data keys (the service under test fetches keys from it over gRPC)
 * and orchestrates privacy requests, expecting answers only from the service under
 * test. It has a database of its own and shares the run's topic prefix and, with it, the
 * run's place in the stack's S3 object store (export bundles, erasure tombstones).
 */
public final class TenantServiceProcess {

    private static ServiceProcess process;
    private static TestDatabase database;
    private static ManagedChannel channel;

    private TenantServiceProcess() {
    }

    /** Starts it on first use; {@code serviceUnderTest} is the one service whose privacy answers it waits for. */
    static synchronized ServiceProcess start(String serviceUnderTest, String topicPrefix) {
        if (process == null || !process.alive()) {
            database = TestDatabase.create("tenant");
            Map<String, String> config = new HashMap<>(ServiceProcess.fleetSettings(database, topicPrefix));
            config.put("tenant.privacy-services", serviceUnderTest);
            process = ServiceProcess.start("tenant", config);
            channel = process.channel();
        }
        return process;
    }

    static synchronized void stop() {
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
        }
        if (process != null) {
            process.close();
            process = null;
        }
        if (database != null) {
            database.drop();
            database = null;
        }
    }

    /** The tenant service's port (gRPC and REST, TLS only). */
    public static synchronized int port() {
        if (process == null) {
            throw new IllegalStateException("no tenant service: start FleetTestResource with tenantService=true");
        }
        return process.port();
    }

    /** A channel to the tenant service, over TLS (it serves nothing else). */
    public static synchronized ManagedChannel channel() {
        port();
        return channel;
    }

    /** Registers a new tenant as platform administrator and returns its id. */
    public static String createTenant() {
        return TenantServiceGrpc.newBlockingStub(TestCallers.as(channel(), TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().build()).getTenant().getId();
    }
}
