package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.testing.ConfigFixtures;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two real replicas: the packaged application Quarkus starts for this test, and a
 * second process of the same jar that the test starts on another port, both on the
 * same test database, Redis and Kafka. Both replicas poll only once an hour here, so
 * a change written on one replica reaches the other's watchers through the Redis
 * pub/sub fan-out alone.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = TwoReplicasIT.SlowPolling.class, restrictToAnnotatedClass = true)
class TwoReplicasIT {

    @TestHTTPResource
    URL first;

    /**
     * Proves: with ten writes on one replica process and then ten on the other, a
     * watcher on each replica receives every change, from both, exactly once and in
     * revision order, carried between the processes by the Redis fan-out alone.
     */
    @Test
    void bothReplicasDeliverEveryChange() throws Exception {
        ServiceProcess second = startSecondReplica();
        ManagedChannel toFirst = TestCallers.channel(first.getPort());
        ManagedChannel toSecond = TestCallers.channel(second.port());
        try {
            ConfigServiceBlockingStub one = stub(toFirst);
            ConfigServiceBlockingStub two = stub(toSecond);
            String namespace = one.createNamespace(ConfigFixtures.aNamespace().build()).getNamespace().getName();
            String tenant = UUID.randomUUID().toString();
            long start = one.putEntry(ConfigFixtures.anEntry(namespace, "start", "0").build()).getEntry().getRevision();

            WatchRecorder onFirst = watch(toFirst, namespace, start);
            WatchRecorder onSecond = watch(toSecond, namespace, start);
            try {
                // First ten writes on the first replica only: the second replica's feed can
                // only learn of them through Redis (its own writes would also wake it, so it
                // makes none until its watcher has them all), then the other way round.
                List<Long> written = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    written.add(write(one, namespace, tenant, i));
                }
                onSecond.awaitChanges(10);
                assertThat(onSecond.revisions()).containsExactlyElementsOf(written);
                for (int i = 10; i < 20; i++) {
                    written.add(write(two, namespace, tenant, i));
                }
                onFirst.awaitChanges(20);
                onSecond.awaitChanges(20);
                assertThat(onFirst.revisions()).containsExactlyElementsOf(written);
                assertThat(onSecond.revisions()).containsExactlyElementsOf(written);
            } finally {
                onFirst.close();
                onSecond.close();
            }
        } finally {
            toFirst.shutdownNow();
            toSecond.shutdownNow();
            second.close();
        }
    }

    private static long write(ConfigServiceBlockingStub replica, String namespace, String tenant, int i) {
        return replica.putEntry(ConfigFixtures.anEntry(namespace, "key-" + i, Integer.toString(i))
                .setScope(i % 3 == 0 ? tenantScope(tenant) : globalScope()).build()).getEntry().getRevision();
    }

    private static WatchRecorder watch(ManagedChannel channel, String namespace, long after) {
        WatchRecorder recorder = new WatchRecorder();
        recorder.open(ConfigServiceGrpc.newStub(TestCallers.as(channel, TestCallers.platformAdmin())),
                WatchRequest.newBuilder().setAfterRevision(after).setAllTenants(true).addNamespaces(namespace).build());
        return recorder.awaitLive();
    }

    private static ConfigServiceBlockingStub stub(ManagedChannel channel) {
        return ConfigServiceGrpc.newBlockingStub(TestCallers.as(channel, TestCallers.platformAdmin()))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The same jar, the same database, topics and tenant service, another port. */
    private static ServiceProcess startSecondReplica() {
        Map<String, String> config = new HashMap<>(ServiceProcess.fleetSettings(FleetTestResource.database(),
                FleetTestResource.topicPrefix(), FleetTestResource.objectStoreDirectory()));
        config.put("quarkus.grpc.clients.tenant-keys.host", FleetStack.host());
        config.put("quarkus.grpc.clients.tenant-keys.port", Integer.toString(TenantServiceProcess.port()));
        config.putAll(SlowPolling.SETTINGS);
        return ServiceProcess.start("config", config);
    }

    /** Both replicas poll once an hour: only the Redis fan-out can carry changes between them in time. */
    public static class SlowPolling implements QuarkusTestResourceLifecycleManager {

        static final Map<String, String> SETTINGS = Map.of("config.watch.poll-interval", "1h");

        @Override
        public Map<String, String> start() {
            return SETTINGS;
        }

        @Override
        public void stop() {
        }
    }
}
