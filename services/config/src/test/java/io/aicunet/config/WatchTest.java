package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.serviceScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.PreconditionFailure;
import io.aicunet.config.application.access.ConfigCommands.WatchQuery;
import io.aicunet.config.application.port.ChangeNotifications;
import io.aicunet.config.application.watch.ChangeFeed;
import io.aicunet.config.application.watch.ChangeFeeds;
import io.aicunet.config.application.watch.WatchChanges;
import io.aicunet.contracts.config.v1.CompactRevisionsRequest;
import io.aicunet.contracts.config.v1.Revision;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The watch: ordered, gap-free, resumable, across replicas, within the caller's tenant. */
@QuarkusTest
class WatchTest extends ConfigTestBase {

    @Inject
    WatchChanges watchChanges;

    @Inject
    ChangeFeeds feeds;

    @Inject
    ChangeNotifications notifications;

    private long written;

    /**
     * Proves: a watch from a revision first replays every later change (from the
     * database), then delivers new ones as they commit, all in revision order, each
     * with author, reason and value.
     */
    @Test
    void replaysFromARevisionThenFollowsLive() {
        String namespace = newNamespace();
        long start = head();
        List<Long> written = new ArrayList<>(writes(namespace, 3));
        try (WatchRecorder watcher = watch(start, namespace)) {
            watcher.awaitChanges(3);
            written.addAll(writes(namespace, 2));
            List<Revision> changes = watcher.awaitChanges(5);
            assertThat(watcher.revisions()).containsExactlyElementsOf(written);
            assertThat(changes.get(4).getValue().getJson()).isEqualTo("4");
            assertThat(changes.get(4).getAuthor()).isEqualTo("ops@aicunet.io");
            assertThat(changes.get(4).getReason()).isEqualTo("test write of key-4");
        }
    }

    /**
     * Proves: a watcher that disconnects and reconnects after the last revision it
     * received gets every change made while it was away and after, exactly once: the
     * two streams together are exactly the writes, none missing, none repeated.
     */
    @Test
    void disconnectAndResumeNeitherMissesNorRepeats() {
        String namespace = newNamespace();
        long start = head();
        List<Long> written = new ArrayList<>();
        List<Long> received = new ArrayList<>();
        long last;
        try (WatchRecorder first = watch(start, namespace)) {
            written.addAll(writes(namespace, 5));
            first.awaitChanges(5);
            received.addAll(first.revisions());
            last = received.get(received.size() - 1);
        }
        written.addAll(writes(namespace, 5));
        try (WatchRecorder resumed = watch(last, namespace)) {
            written.addAll(writes(namespace, 5));
            resumed.awaitChanges(10);
            received.addAll(resumed.revisions());
        }
        assertThat(received).hasSize(15).doesNotHaveDuplicates().containsExactlyElementsOf(written);
    }

    /**
     * Proves: two replicas both deliver every change. The second replica is played by
     * an independent change feed inside this application: its own Redis pub/sub
     * subscription, no local signal and no polling, so it learns of the writes only
     * through the fan-out (it receives the announcements), and reads what changed from
     * PostgreSQL. A gRPC watcher on the primary feed and a watcher on the second feed
     * each receive all changes, in order.
     */
    @Test
    void twoReplicasBothDeliverEveryChange() {
        String namespace = newNamespace();
        long start = head();
        try (ChangeFeed replica = feeds.independent("second-replica")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                notifications.publish(0).await().atMost(Duration.ofSeconds(5));
                return replica.announcementsReceived() > 0 && replica.head() >= 0;
            });
            long announcedBefore = replica.announcementsReceived();
            List<Long> secondReplica = new CopyOnWriteArrayList<>();
            Caller caller = new Caller("ops@aicunet.io", Set.of("platform-admin"), TenantScope.platform(),
                    java.util.Optional.empty(), java.util.Optional.empty());
            Cancellable subscription = watchChanges.execute(caller,
                            new WatchQuery(start, "", "", List.of(namespace), true), replica)
                    .subscribe().with(batch -> batch.changes().forEach(c -> secondReplica.add(c.revision().revision())));
            try (WatchRecorder primary = watch(start, namespace)) {
                primary.awaitLive();
                List<Long> written = writes(namespace, 20);
                primary.awaitChanges(20);
                await().atMost(Duration.ofSeconds(30)).until(() -> secondReplica.size() >= 20);
                assertThat(primary.revisions()).containsExactlyElementsOf(written);
                assertThat(secondReplica).containsExactlyElementsOf(written);
                assertThat(replica.announcementsReceived() - announcedBefore)
                        .as("the second replica learned of the writes through Redis pub/sub").isPositive();
            } finally {
                subscription.cancel();
            }
        }
    }

    /**
     * Proves: a tenant's watcher receives its own tenant's changes and platform-level
     * ones, never another tenant's; asking to watch another tenant is PERMISSION_DENIED.
     */
    @Test
    void aTenantsWatcherSeesOnlyWhatReachesItsTenant() {
        String namespace = newNamespace();
        String tenant = aTenant();
        String other = aTenant();
        long start = head();
        try (WatchRecorder watcher = client.watch(TestCallers.ofTenant(tenant, "tenant-viewer"), WatchRequest
                .newBuilder().setAfterRevision(start).setTenantId(tenant).setService("ledger")
                .addNamespaces(namespace).build()).awaitLive()) {
            long mine = put(namespace, "model", tenantScope(tenant), "\"mine\"").getEntry().getRevision();
            put(namespace, "model", tenantScope(other), "\"theirs\"");
            put(namespace, "model", serviceScope("agent-state"), "\"another service's\"");
            long global = put(namespace, "model", globalScope(), "\"everyone's\"").getEntry().getRevision();
            watcher.awaitChanges(2);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> watcher.changes().size() == 2);
            assertThat(watcher.revisions()).containsExactly(mine, global);
        }
        Throwable refused = client.watch(TestCallers.ofTenant(tenant, "tenant-viewer"), WatchRequest.newBuilder()
                .setAfterRevision(start).setTenantId(other).build()).awaitFailure();
        assertThat(Status.fromThrowable(refused).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    /**
     * Proves: after compaction, a watch from before the compacted revision fails with
     * FAILED_PRECONDITION, reason REVISION_COMPACTED, telling the client to reload; a
     * watch from the compacted revision on works; the entries' current values stay.
     */
    @Test
    void aCompactedRevisionTellsTheClientToReload() {
        String namespace = newNamespace();
        long start = head();
        List<Long> written = writes(namespace, 3);
        long compactedTo = written.get(1);
        assertThat(admin().compactRevisions(CompactRevisionsRequest.newBuilder().setUpToRevision(compactedTo).build())
                .getCompactedRevision()).isEqualTo(compactedTo);

        Throwable failure = watch(start, namespace).awaitFailure();
        StatusRuntimeException refused = (StatusRuntimeException) failure;
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        PreconditionFailure reason = GrpcCalls.detail(refused, PreconditionFailure.class);
        assertThat(reason.getViolations(0).getType()).isEqualTo("REVISION_COMPACTED");
        assertThat(reason.getViolations(0).getDescription()).contains("reload");

        try (WatchRecorder fromMark = watch(compactedTo, namespace)) {
            assertThat(fromMark.awaitChanges(1)).extracting(Revision::getRevision).containsExactly(written.get(2));
        }
    }

    private WatchRecorder watch(long after, String namespace) {
        return client.watch(TestCallers.platformAdmin(), WatchRequest.newBuilder().setAfterRevision(after)
                .setAllTenants(true).addNamespaces(namespace).build());
    }

    /** Writes the next {@code count} keys (key-N with value N, N counting on within a test) globally; their revisions. */
    private List<Long> writes(String namespace, int count) {
        List<Long> revisions = new ArrayList<>();
        LongStream.range(0, count).forEach(ignored -> {
            long n = written++;
            revisions.add(put(namespace, "key-" + n, globalScope(), Long.toString(n)).getEntry().getRevision());
        });
        return revisions;
    }
}
