package io.aicunet.platform.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetStack;
import io.smallrye.mutiny.Uni;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the erasure tombstones against the local stack's object store: a tombstone round
 * trips and is refused when malformed; a pass re-applies every tombstone under its prefix
 * and skips (never stops at) a malformed one; a pass with nothing to do does nothing; an
 * unreachable store fails the pass and the service stays not ready, retrying; no expiry
 * sweep deletes tombstones.
 */
class ErasureTombstonesTest {

    private static final String PREFIX = "tombstones/test-" + UUID.randomUUID() + "/";
    private static S3ObjectStore store;

    @BeforeAll
    static void openStore() throws IOException {
        FleetStack.ensureRunning();
        store = S3ObjectStore.open(StackObjectStore.settings());
        store.ensureBucket();
    }

    @AfterAll
    static void deleteRun() throws IOException {
        for (ObjectStore.StoredObject object : store.list(PREFIX, "", ObjectStore.LIST_COUNT_MAX)) {
            store.delete(object.key());
        }
        store.close();
    }

    /** Proves: a tombstone reads back as itself from its key; content that is not one is refused, naming the key. */
    @Test
    void aTombstoneRoundTripsAndMalformedOnesAreRefused() {
        TenantId tenant = TenantId.random();
        UUID request = UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ErasureTombstone whole = ErasureTombstone.of(request, tenant, Optional.empty(), at);
        assertThat(whole.kind()).isEqualTo(ErasureTombstone.Kind.TENANT);
        assertThat(whole.key(PREFIX)).isEqualTo(PREFIX + tenant.value() + "/" + request + ".json");
        assertThat(ErasureTombstone.parse(PREFIX, whole.key(PREFIX), whole.toJson())).isEqualTo(whole);
        ErasureTombstone subject = ErasureTombstone.of(request, tenant, Optional.of("user-7"), at);
        assertThat(subject.kind()).isEqualTo(ErasureTombstone.Kind.SUBJECT);
        assertThat(ErasureTombstone.parse(PREFIX, subject.key(PREFIX), subject.toJson())).isEqualTo(subject);

        String key = whole.key(PREFIX);
        assertThatThrownBy(() -> ErasureTombstone.parse(PREFIX, key, "{not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining(key).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> ErasureTombstone.parse(PREFIX, key, new String(whole.toJson(), StandardCharsets.UTF_8)
                .replace("\"tenant\"", "\"everyone\"").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("kind must be tenant or subject");
        assertThatThrownBy(() -> ErasureTombstone.parse(PREFIX, PREFIX + TenantId.random().value() + "/" + request
                + ".json", whole.toJson())).as("content naming another tenant than its key")
                .hasMessageContaining("its content names " + key);
        assertThatThrownBy(() -> new ErasureTombstone(ErasureTombstone.Kind.SUBJECT, tenant, Optional.empty(),
                request, at)).hasMessageContaining("subject id");
        assertThatThrownBy(() -> ErasureTombstones.requirePrefix("exports/")).hasMessageContaining("tombstones/");
    }

    /**
     * Proves: one pass hands every tombstone under the prefix to the service's replay, once,
     * counting what it erased, and skips malformed objects without stopping; a pass over an
     * empty prefix calls nothing; the bean is ready after its first pass.
     */
    @Test
    void aPassReappliesEveryTombstoneAndSkipsMalformedOnes() throws Exception {
        String prefix = PREFIX + "pass/";
        List<ErasureTombstone> written = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ErasureTombstone tombstone = ErasureTombstone.of(UUID.randomUUID(), TenantId.random(),
                    i == 2 ? Optional.of("subject-" + i) : Optional.empty(), Instant.now());
            store.put(tombstone.key(prefix), new ByteArrayInputStream(tombstone.toJson()));
            written.add(tombstone);
        }
        // Malformed: not JSON at all, and a tombstone stored under another tenant's key.
        store.put(prefix + TenantId.random().value() + "/" + UUID.randomUUID() + ".json",
                new ByteArrayInputStream("{\"kind\":".getBytes(StandardCharsets.UTF_8)));
        store.put(prefix + TenantId.random().value() + "/" + written.get(0).requestId() + ".json",
                new ByteArrayInputStream(written.get(0).toJson()));

        List<ErasureTombstone> replayed = Collections.synchronizedList(new ArrayList<>());
        ErasureReplay replay = tombstone -> {
            replayed.add(tombstone);
            return Uni.createFrom().item(Map.of("rows", 2L));
        };
        ErasureTombstones tombstones = new ErasureTombstones(store, Optional.of(replay), prefix,
                Duration.ofSeconds(1), Duration.ofSeconds(10));
        ErasureTombstonesReadiness readiness = new ErasureTombstonesReadiness(tombstones);
        assertThat(readiness.call().getStatus().name()).as("not ready before the first pass").isEqualTo("DOWN");
        tombstones.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> tombstones.firstPass().isPresent());
        } finally {
            tombstones.stop();
        }
        assertThat(replayed).containsExactlyInAnyOrderElementsOf(written);
        ErasureTombstones.Pass pass = tombstones.firstPass().orElseThrow();
        assertThat(pass.tombstones()).isEqualTo(3);
        assertThat(pass.tenants()).isEqualTo(2);
        assertThat(pass.subjects()).isEqualTo(1);
        assertThat(pass.malformed()).isEqualTo(2);
        assertThat(pass.erased()).isEqualTo(Map.of("rows", 6L));
        assertThat(readiness.call().getStatus().name()).isEqualTo("UP");

        List<ErasureTombstone> none = new ArrayList<>();
        ErasureTombstones empty = new ErasureTombstones(store, Optional.of(tombstone -> {
            none.add(tombstone);
            return Uni.createFrom().item(Map.of());
        }), PREFIX + "nothing/", Duration.ofSeconds(1), Duration.ofSeconds(10));
        ErasureTombstones.Pass nothing = empty.reapplyAll();
        assertThat(nothing.tombstones()).isZero();
        assertThat(nothing.malformed()).isZero();
        assertThat(none).isEmpty();
    }

    /**
     * Proves: a pass pages through more tombstones than one LIST returns, each re-applied
     * once; prints what a start-up pass costs per tombstone (LIST pages plus one GET each,
     * the replay itself a no-op here) for docs/privacy-requests.md.
     */
    @Test
    void aPassPagesThroughMoreTombstonesThanOneListReturns() throws Exception {
        String prefix = PREFIX + "many/";
        int count = ObjectStore.LIST_COUNT_MAX + 50;
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> puts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ErasureTombstone tombstone = ErasureTombstone.of(UUID.randomUUID(), TenantId.random(), Optional.empty(),
                        Instant.now());
                puts.add(writers.submit(() -> store.put(tombstone.key(prefix),
                        new ByteArrayInputStream(tombstone.toJson()))));
            }
            for (var put : puts) {
                put.get();
            }
        } finally {
            writers.shutdown();
        }
        java.util.Set<UUID> replayed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ErasureTombstones tombstones = new ErasureTombstones(store, Optional.of(tombstone -> {
            assertThat(replayed.add(tombstone.requestId())).as("replayed once: %s", tombstone.requestId()).isTrue();
            return Uni.createFrom().item(Map.of());
        }), prefix, Duration.ofSeconds(1), Duration.ofSeconds(10));
        ErasureTombstones.Pass pass = tombstones.reapplyAll();
        assertThat(pass.tombstones()).isEqualTo(count);
        assertThat(replayed).hasSize(count);
        System.out.printf("tombstones: a pass over %d tombstones in the stack's S3 store took %d ms (%.2f ms each)%n",
                count, pass.took().toMillis(), pass.took().toMillis() / (double) count);
    }

    /**
     * Proves: with the store unreachable a pass fails, naming the store, and the service
     * stays not ready, retrying; a tombstone cannot be recorded and the failure names it.
     */
    @Test
    void anUnreachableStoreKeepsTheServiceNotReady() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (S3ObjectStore dead = S3ObjectStore.open(StackObjectStore.with(URI.create("https://127.0.0.1:" + deadPort),
                StackObjectStore.settings().secretKey(), StackObjectStore.settings().caCertificate()))) {
            ErasureTombstones tombstones = new ErasureTombstones(dead, Optional.of(tombstone -> {
                throw new AssertionError("nothing can be listed");
            }), PREFIX, Duration.ofSeconds(1), Duration.ofSeconds(10));
            assertThatThrownBy(tombstones::reapplyAll).isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + deadPort);
            // Writing fails too, naming the tombstone: the erasure it records does not complete.
            ErasureTombstone tombstone = ErasureTombstone.of(UUID.randomUUID(), TenantId.random(), Optional.empty(),
                    Instant.now());
            assertThatThrownBy(() -> tombstones.record(tombstone).await().atMost(Duration.ofSeconds(60)))
                    .hasMessageContaining("cannot write erasure tombstone " + tombstone.key(PREFIX))
                    .hasMessageContaining("127.0.0.1:" + deadPort);
            tombstones.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> tombstones.failedPasses() >= 2);
            } finally {
                tombstones.stop();
            }
            assertThat(tombstones.firstPass()).isEmpty();
            var health = new ErasureTombstonesReadiness(tombstones).call();
            assertThat(health.getStatus().name()).isEqualTo("DOWN");
            assertThat(health.getData().orElseThrow().get("lastFailure").toString()).contains("127.0.0.1:" + deadPort);
        }
    }

    /** Proves: the expiry sweeps refuse every prefix holding or inside the tombstones, before listing anything. */
    @Test
    void noSweepDeletesTombstones() {
        for (String prefix : List.of("", "t", "tombstones/", PREFIX)) {
            assertThatThrownBy(() -> ExpiredObjects.delete(store, prefix, Duration.ofSeconds(1), Instant.now(), 10))
                    .as("prefix '%s'", prefix).hasMessageContaining("never deleted by a sweep");
        }
        assertThatThrownBy(() -> ExpiredObjects.deleteAll(store, PREFIX, 10))
                .hasMessageContaining("never deleted by a sweep");
    }
}
