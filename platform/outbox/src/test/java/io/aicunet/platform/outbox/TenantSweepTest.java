package io.aicunet.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/**
 * TenantSweep against real PostgreSQL: passes visit a bounded batch each and wrap around,
 * the cursor survives a restart (a new instance, as on another replica), a failing tenant is
 * passed over, and two replicas never run the same sweep at once.
 */
class TenantSweepTest {

    private static final List<TenantId> TENANTS = new ArrayList<>();
    private static OutboxTestDatabase db;

    @BeforeAll
    static void start() throws Exception {
        db = new OutboxTestDatabase();
        for (int i = 0; i < 5; i++) {
            TENANTS.add(TenantId.random());
        }
        TENANTS.sort((a, b) -> a.value().toString().compareTo(b.value().toString()));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    /** The tenants after the cursor in id order, as a service's query would list them (text order of uuids). */
    private static Uni<List<TenantId>> after(Optional<TenantId> cursor, int limit) {
        return Uni.createFrom().item(TENANTS.stream()
                .filter(t -> cursor.isEmpty() || t.value().toString().compareTo(cursor.get().value().toString()) > 0)
                .limit(limit).toList());
    }

    private static TenantSweep sweep(String name, int tenantsPerPassMax) {
        return new TenantSweep(name, db.pool, () -> tenantsPerPassMax);
    }

    /**
     * Proves: each pass visits at most tenantsPerPassMax tenants after the previous pass, the
     * pass that finds fewer wraps, and a new instance (a restart, another replica) resumes from
     * the stored cursor instead of the first tenant.
     */
    @Test
    void passesResumeInBoundedBatchesAndWrap() {
        List<TenantId> visited = new CopyOnWriteArrayList<>();
        TenantSweep first = sweep("test.bounded." + UUID.randomUUID(), 2);

        TenantSweep.Pass one = db.await(first.runOnce(TenantSweepTest::after, t -> record(visited, t)));
        assertThat(one).isEqualTo(new TenantSweep.Pass(false, 2, 0, 2, false));
        assertThat(visited).containsExactly(TENANTS.get(0), TENANTS.get(1));
        assertThat(db.await(first.cursor())).contains(TENANTS.get(1));

        TenantSweep restarted = sweep(first.name(), 2);
        db.await(restarted.runOnce(TenantSweepTest::after, t -> record(visited, t)));
        TenantSweep.Pass last = db.await(restarted.runOnce(TenantSweepTest::after, t -> record(visited, t)));
        assertThat(last).isEqualTo(new TenantSweep.Pass(false, 1, 0, 1, true));
        assertThat(db.await(restarted.cursor())).isEmpty();
        db.await(restarted.runOnce(TenantSweepTest::after, t -> record(visited, t)));

        assertThat(visited).containsExactly(TENANTS.get(0), TENANTS.get(1), TENANTS.get(2), TENANTS.get(3),
                TENANTS.get(4), TENANTS.get(0), TENANTS.get(1));
    }

    /** Proves: a tenant whose work fails is counted and passed over; the cursor moves on. */
    @Test
    void failingTenantIsPassedOver() {
        TenantSweep sweep = sweep("test.failing." + UUID.randomUUID(), 3);
        TenantSweep.Pass pass = db.await(sweep.runOnce(TenantSweepTest::after, tenant -> tenant.equals(TENANTS.get(1))
                ? Uni.createFrom().failure(new IllegalStateException("tenant's periods unreadable"))
                : Uni.createFrom().item(10L)));
        assertThat(pass).isEqualTo(new TenantSweep.Pass(false, 3, 1, 20, false));
        assertThat(db.await(sweep.cursor())).contains(TENANTS.get(2));
    }

    /** Proves: while one replica runs a sweep, another replica's pass of the same sweep is skipped; other sweeps run. */
    @Test
    void oneReplicaAtATimeRunsASweep() {
        String name = "test.replicas." + UUID.randomUUID();
        CompletableFuture<Long> release = new CompletableFuture<>();
        List<TenantId> started = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<TenantSweep.Pass> running = sweep(name, 1).runOnce(TenantSweepTest::after, tenant -> {
            started.add(tenant);
            return Uni.createFrom().completionStage(release);
        }).subscribeAsCompletionStage();
        await().atMost(30, TimeUnit.SECONDS).until(() -> !started.isEmpty());

        TenantSweep.Pass otherReplica = db.await(sweep(name, 1).runOnce(TenantSweepTest::after,
                tenant -> Uni.createFrom().item(1L)));
        TenantSweep.Pass otherSweep = db.await(sweep(name + ".other", 1).runOnce(TenantSweepTest::after,
                tenant -> Uni.createFrom().item(1L)));
        release.complete(1L);

        assertThat(otherReplica.skipped()).isTrue();
        assertThat(otherSweep.skipped()).isFalse();
        assertThat(running.join().visited()).isEqualTo(1);
        assertThat(db.await(sweep(name, 1).runOnce(TenantSweepTest::after, tenant -> Uni.createFrom().item(1L)))
                .skipped()).as("the lock is released after the pass").isFalse();
    }

    private static Uni<Long> record(List<TenantId> visited, TenantId tenant) {
        visited.add(tenant);
        return Uni.createFrom().item(1L);
    }
}
