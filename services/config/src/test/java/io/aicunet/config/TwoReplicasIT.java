package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.testing.ConfigFixtures;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.net.URL;
import java.time.Duration;
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

    @TestHTTPResource(tls = true)
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
        ManagedChannel toSecond = second.channel();
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

    /**
     * Proves: a tenant's open watch streams are counted across the two processes (bound 3,
     * leases of 3 s renewed every second on both): two streams on the first replica and one
     * on the second are all the tenant gets, a fourth is RESOURCE_EXHAUSTED on either replica
     * with the count 3; and when the second replica's process is killed (SIGKILL: no stream
     * closed, no lease given back) its stream stops counting once its lease runs out, not
     * before, so the tenant opens exactly one more on the first replica.
     */
    @Test
    void watchStreamsPerTenantAreCountedAcrossReplicas() throws Exception {
        ServiceProcess second = startSecondReplica();
        ManagedChannel toFirst = TestCallers.channel(first.getPort());
        ManagedChannel toSecond = second.channel();
        List<WatchRecorder> open = new ArrayList<>();
        try {
            ConfigServiceBlockingStub one = stub(toFirst);
            String namespace = one.createNamespace(ConfigFixtures.aNamespace().build()).getNamespace().getName();
            long start = one.putEntry(ConfigFixtures.anEntry(namespace, "start", "0").build()).getEntry().getRevision();
            String tenant = UUID.randomUUID().toString();

            open.add(tenantWatch(toFirst, tenant, start).awaitLive());
            open.add(tenantWatch(toFirst, tenant, start).awaitLive());
            open.add(tenantWatch(toSecond, tenant, start).awaitLive());
            assertStreamsExhausted(tenantWatch(toFirst, tenant, start).awaitFailure());
            assertStreamsExhausted(tenantWatch(toSecond, tenant, start).awaitFailure());

            long killedAt = System.nanoTime();
            killHard(second);
            WatchRecorder[] again = new WatchRecorder[1];
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                WatchRecorder attempt = tenantWatch(toFirst, tenant, start);
                await().atMost(Duration.ofSeconds(20)).until(() -> !attempt.responses().isEmpty() || attempt.failed());
                again[0] = attempt.failed() ? null : attempt;
                return again[0] != null;
            });
            open.add(again[0]);
            // Its last renewal came at most one renewal interval before the kill.
            assertThat((System.nanoTime() - killedAt) / 1_000_000)
                    .as("the dead replica's streams counted until their leases ran out")
                    .isGreaterThanOrEqualTo(SlowPolling.LEASE_MILLIS - SlowPolling.RENEW_MILLIS);
            assertStreamsExhausted(tenantWatch(toFirst, tenant, start).awaitFailure());
        } finally {
            open.forEach(WatchRecorder::close);
            toFirst.shutdownNow();
            toSecond.shutdownNow();
            second.close();
        }
    }

    private static WatchRecorder tenantWatch(ManagedChannel channel, String tenant, long after) {
        WatchRecorder recorder = new WatchRecorder();
        recorder.open(ConfigServiceGrpc.newStub(TestCallers.as(channel, TestCallers.ofTenant(tenant, "tenant-viewer"))),
                WatchRequest.newBuilder().setAfterRevision(after).setTenantId(tenant).build());
        return recorder;
    }

    private static void assertStreamsExhausted(Throwable refused) {
        assertThat(GrpcCalls.codeOf(refused)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(GrpcCalls.errorInfo(refused).getMetadataMap()).containsEntry("bound", "3")
                .containsEntry("current", "3");
    }

    /** Kills the replica's process with SIGKILL: it closes nothing and gives nothing back, as in a crash. */
    private static void killHard(ServiceProcess replica) {
        String portSetting = "-Dquarkus.http.port=" + replica.port();
        List<ProcessHandle> processes = ProcessHandle.current().children()
                .filter(child -> child.info().arguments().map(List::of).orElse(List.of()).contains(portSetting))
                .toList();
        assertThat(processes).as("the second replica's process").hasSize(1);
        processes.get(0).destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !replica.alive());
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

    /**
     * Both replicas poll once an hour: only the Redis fan-out can carry changes between them
     * in time. Both bound a tenant's watch streams at 3, with leases of 3 s renewed every second.
     */
    public static class SlowPolling implements QuarkusTestResourceLifecycleManager {

        static final long LEASE_MILLIS = 3000;
        static final long RENEW_MILLIS = 1000;
        static final Map<String, String> SETTINGS = Map.of("config.watch.poll-interval", "1h",
                "config.watch.streams-per-tenant-max", "3",
                "config.watch.stream-lease-millis", Long.toString(LEASE_MILLIS),
                "config.watch.stream-lease-renew-interval", RENEW_MILLIS / 1000 + "s");

        @Override
        public Map<String, String> start() {
            return SETTINGS;
        }

        @Override
        public void stop() {
        }
    }
}
