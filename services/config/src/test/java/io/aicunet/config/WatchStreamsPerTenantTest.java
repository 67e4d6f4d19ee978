package io.aicunet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import io.aicunet.config.adapter.redis.RedisWatchStreamLeases;
import io.aicunet.config.application.port.WatchStreamLeases;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.LoopbackProxy;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The bound on a tenant's open watch streams (config.watch.streams-per-tenant-max, 3 in
 * tests, with 3 s leases renewed every second): leases in Redis, so every replica counts
 * the same streams, given back however a stream ends.
 */
@QuarkusTest
class WatchStreamsPerTenantTest extends ConfigTestBase {

    private static final String LIMIT = "config.watch.streams-per-tenant-max";
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** As the stack's Redis administrator: config's own user may not run the commands this test inspects with. */
    @Inject
    @StackAdmin
    ReactiveRedisDataSource redis;

    @Inject
    WatchStreamLeases leases;

    @ConfigProperty(name = LIMIT)
    int streamsMax;

    @ConfigProperty(name = "config.watch.stream-lease-millis")
    long leaseMillis;

    /**
     * Proves: a tenant opens exactly its maximum of watch streams; one more is
     * RESOURCE_EXHAUSTED naming the setting, the bound and the count, and takes no lease;
     * the open streams stay counted over more than a lease time (their replica renews them);
     * when the oldest reaches config.watch.stream-age-max (8 s here) the server ends it
     * normally and exactly one more stream gets in, and the next is refused again. Another
     * tenant, and a platform-scope watcher of this tenant, are not held back by its count.
     */
    @Test
    void exactlyTheBoundThenRefusedUntilOneEnds() {
        assertThat(streamsMax).as("the test bound").isEqualTo(3);
        String tenant = aTenant();
        List<WatchRecorder> open = new ArrayList<>();
        try {
            WatchRecorder oldest = watch(client, tenant).awaitLive();
            open.add(oldest);
            await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).until(() -> true);
            for (int i = 1; i < streamsMax; i++) {
                open.add(watch(client, tenant).awaitLive());
            }
            assertThat(leases(tenant)).isEqualTo(streamsMax);

            assertRefused(watch(client, tenant).awaitFailure(), tenant, streamsMax);
            assertThat(leases(tenant)).as("the refused stream took no lease").isEqualTo(streamsMax);
            await().during(Duration.ofMillis(leaseMillis + 500)).atMost(WAIT)
                    .until(() -> leases(tenant) == streamsMax);

            await().atMost(WAIT).until(oldest::completed);
            await().atMost(WAIT).until(() -> leases(tenant) == streamsMax - 1);
            open.add(watch(client, tenant).awaitLive());
            assertRefused(watch(client, tenant).awaitFailure(), tenant, streamsMax);

            String other = aTenant();
            open.add(watch(client, other).awaitLive());
            open.add(client.watch(TestCallers.platformAdmin(), WatchRequest.newBuilder().setAfterRevision(head())
                    .setTenantId(tenant).build()).awaitLive());
            assertThat(leases(tenant)).isEqualTo(streamsMax);
        } finally {
            open.forEach(WatchRecorder::close);
        }
    }

    /**
     * Proves: clients that vanish without closing their streams (their connections cut
     * under them by a proxy, no cancel ever sent) give their slots back: the service is not
     * told (quarkusio/quarkus#46986), so their streams end at their age limit, the tenant's
     * leases drop to zero, and the tenant opens its maximum of streams again.
     */
    @Test
    void clientsThatVanishGiveTheirSlotsBack() throws Exception {
        String tenant = aTenant();
        try (LoopbackProxy proxy = new LoopbackProxy(service.getPort());
             ConfigGrpcClient throughProxy = new ConfigGrpcClient(proxy.port())) {
            for (int i = 0; i < streamsMax; i++) {
                watch(throughProxy, tenant).awaitLive();
            }
            assertThat(leases(tenant)).isEqualTo(streamsMax);
            assertRefused(watch(client, tenant).awaitFailure(), tenant, streamsMax);

            proxy.cut();
            await().atMost(WAIT).until(() -> leases(tenant) == 0);
        }
        List<WatchRecorder> again = new ArrayList<>();
        try {
            for (int i = 0; i < streamsMax; i++) {
                again.add(watch(client, tenant).awaitLive());
            }
            assertThat(leases(tenant)).isEqualTo(streamsMax);
        } finally {
            again.forEach(WatchRecorder::close);
        }
    }

    /**
     * Proves: streams that another replica holds count here too, and a replica that dies
     * stops holding them when their leases run out. The other replica is played through
     * the same lease store: it takes the tenant's maximum of leases and never renews them
     * (it died); this replica refuses the tenant's stream at once, and admits it once the
     * lease time has passed, not before.
     */
    @Test
    void aDeadReplicasStreamsCountUntilTheirLeasesRunOut() {
        String tenant = aTenant();
        TenantId id = TenantId.parse(tenant).orElseThrow();
        long takenAt = System.nanoTime();
        for (int i = 0; i < streamsMax; i++) {
            assertThat(leases.take(id, "dead-replica:" + i, streamsMax).await().atMost(WAIT))
                    .isInstanceOf(WatchStreamLeases.Taken.Granted.class);
        }
        assertThat(leases.take(id, "dead-replica:one-more", streamsMax).await().atMost(WAIT))
                .isEqualTo(new WatchStreamLeases.Taken.AtMaximum(streamsMax));
        assertRefused(watch(client, tenant).awaitFailure(), tenant, streamsMax);

        AtomicReference<WatchRecorder> admitted = new AtomicReference<>();
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                WatchRecorder attempt = watch(client, tenant);
                await().atMost(WAIT).until(() -> !attempt.responses().isEmpty() || attempt.failed());
                if (attempt.failed()) {
                    assertThat(GrpcCalls.codeOf(attempt.awaitFailure())).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    return false;
                }
                admitted.set(attempt);
                return true;
            });
            long waitedMillis = (System.nanoTime() - takenAt) / 1_000_000;
            assertThat(waitedMillis).as("admitted only after the dead replica's leases ran out")
                    .isGreaterThanOrEqualTo(leaseMillis);
            assertThat(leases(tenant)).isEqualTo(1);
        } finally {
            if (admitted.get() != null) {
                admitted.get().close();
            }
        }
    }

    private static WatchRecorder watch(ConfigGrpcClient through, String tenant) {
        Map<String, String> viewer = TestCallers.ofTenant(tenant, "tenant-viewer");
        return through.watch(viewer, WatchRequest.newBuilder().setAfterRevision(head()).setTenantId(tenant).build());
    }

    private void assertRefused(Throwable refused, String tenant, int bound) {
        assertThat(GrpcCalls.codeOf(refused)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        ErrorInfo info = GrpcCalls.errorInfo(refused);
        assertThat(info.getReason()).isEqualTo(LIMIT);
        assertThat(info.getMetadataMap()).containsEntry("bound", String.valueOf(bound))
                .containsEntry("current", String.valueOf(bound));
        QuotaFailure quota = GrpcCalls.detail(refused, QuotaFailure.class);
        assertThat(quota.getViolations(0).getSubject()).isEqualTo("tenants/" + tenant + "/watch-streams");
    }

    /** The tenant's live leases, as every replica counts them. */
    private long leases(String tenant) {
        String key = RedisWatchStreamLeases.key(TenantId.parse(tenant).orElseThrow());
        long now = System.currentTimeMillis();
        return redis.execute("ZCOUNT", key, Long.toString(now), "+inf").await().atMost(WAIT).toLong();
    }
}
