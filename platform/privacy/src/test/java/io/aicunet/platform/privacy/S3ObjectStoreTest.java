package io.aicunet.platform.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.testing.FleetStack;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The S3 object store against the local stack's real one (s3proxy over HTTPS, verified
 * against the stack's CA): objects round-trip with their SHA-256 in one request or in parts,
 * an object four times the heap of a JVM passes through it, listing and deleting work, and
 * bad input (a key with {@code ..}, an unreachable store, a wrong secret, an unknown CA, a
 * stream that breaks midway) gets a clear error and changes nothing. Each run writes under
 * a prefix of its own in the tests' bucket, and deletes it.
 */
class S3ObjectStoreTest {

    private static final String RUN = "run-" + UUID.randomUUID() + "/";
    private static S3ObjectStore store;

    @BeforeAll
    static void openStore() throws IOException {
        FleetStack.ensureRunning();
        store = S3ObjectStore.open(StackObjectStore.settings());
        store.ensureBucket();
    }

    @AfterAll
    static void deleteRun() throws IOException {
        ExpiredObjects.deleteAll(store, RUN, 10_000);
        store.close();
    }

    /** Proves: a small object and one of three parts come back byte for byte, with the SHA-256 put reported. */
    @Test
    void roundTripsInOneRequestAndInParts() throws Exception {
        byte[] small = "{\"kind\":\"accounts\"}\n".getBytes(StandardCharsets.UTF_8);
        String smallSha256 = store.put(RUN + "exports/r1/ledger.jsonl", new ByteArrayInputStream(small));
        assertThat(smallSha256).isEqualTo(LocalDirectoryObjectStore.sha256Hex(small));
        assertThat(read(RUN + "exports/r1/ledger.jsonl")).isEqualTo(small);

        long partsSize = 2L * S3ObjectStore.PART_SIZE_BYTES_MIN + 12345;
        String partsSha256 = store.put(RUN + "exports/r1/agent-state.jsonl", GeneratedContent.of(partsSize));
        assertThat(partsSha256).isEqualTo(sha256Of(GeneratedContent.of(partsSize)));
        try (InputStream in = store.get(RUN + "exports/r1/agent-state.jsonl").orElseThrow()) {
            assertThat(sha256Of(in)).isEqualTo(partsSha256);
        }
        assertThat(store.get(RUN + "exports/r1/none.jsonl")).isEmpty();

        Map<String, Long> listed = store.list(RUN + "exports/r1/", "", 10).stream()
                .collect(Collectors.toMap(ObjectStore.StoredObject::key, ObjectStore.StoredObject::sizeBytes));
        assertThat(listed).containsExactlyInAnyOrderEntriesOf(Map.of(
                RUN + "exports/r1/agent-state.jsonl", partsSize, RUN + "exports/r1/ledger.jsonl", (long) small.length));
    }

    /** Proves: listing pages in key order with startAfter and countMax; delete says whether there was an object. */
    @Test
    void listsInPagesAndDeletes() throws Exception {
        String prefix = RUN + "list/";
        for (String name : List.of("c", "a", "b")) {
            store.put(prefix + name, new ByteArrayInputStream(name.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(keys(store.list(prefix, "", 2))).containsExactly(prefix + "a", prefix + "b");
        assertThat(keys(store.list(prefix, prefix + "b", 2))).containsExactly(prefix + "c");
        assertThat(store.delete(prefix + "b")).isTrue();
        assertThat(store.delete(prefix + "b")).isFalse();
        assertThat(keys(store.list(prefix, "", 10))).containsExactly(prefix + "a", prefix + "c");
        assertThat(ExpiredObjects.deleteAll(store, prefix, 100)).isEqualTo(2);
        assertThat(store.list(prefix, "", 10)).isEmpty();
        assertThatThrownBy(() -> store.list(prefix, "", ObjectStore.LIST_COUNT_MAX + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("countMax");
        assertThatThrownBy(() -> ExpiredObjects.deleteAll(store, "", 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix is empty");
    }

    /**
     * Proves: put and get stream. A JVM with a 64 MiB heap writes and reads back an object of
     * 256 MiB (four times its heap, which would not fit even once) with matching digests.
     */
    @Test
    void anObjectFourTimesTheHeapPassesThroughAJvm() throws Exception {
        long sizeBytes = 256L * 1024 * 1024;
        String key = RUN + "large/checkpoints.jsonl";
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process probe = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LargeObjectProbe.class.getName(),
                key, Long.toString(sizeBytes))
                .redirectErrorStream(true).start();
        String output;
        try (InputStream in = probe.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // A bound, not a timed assertion: a hung probe fails the test instead of the build.
        assertThat(probe.waitFor(10, TimeUnit.MINUTES)).as(output).isTrue();
        assertThat(probe.exitValue()).as(output).isZero();
        Map<String, String> figures = output.lines().filter(line -> line.contains("="))
                .map(line -> line.split("=", 2)).collect(Collectors.toMap(pair -> pair[0], pair -> pair[1], (a, b) -> b));
        String expected = sha256Of(GeneratedContent.of(sizeBytes));
        assertThat(figures).containsEntry("written.sha256", expected).containsEntry("read.sha256", expected)
                .containsEntry("read.bytes", Long.toString(sizeBytes));
        long heapMax = Long.parseLong(figures.get("heap.max.bytes"));
        assertThat(heapMax).as("the probe's heap").isLessThan(sizeBytes / 4 + 1);
        assertThat(store.list(key, "", 1)).singleElement()
                .satisfies(object -> assertThat(object.sizeBytes()).isEqualTo(sizeBytes));
        System.out.printf("S3ObjectStoreTest: %d MiB through a JVM with heap max %d MiB, heap peak %d MiB%n",
                sizeBytes >> 20, heapMax >> 20, Long.parseLong(figures.get("heap.peak.bytes")) >> 20);
    }

    /** Proves: keys that would leave their place are refused before anything is sent; nothing is written. */
    @Test
    void refusesBadKeys() throws Exception {
        for (String bad : List.of("../escape", RUN + "a/../../b", RUN + "A", "", "/abs", RUN + "dir/", RUN + "a//b")) {
            assertThatThrownBy(() -> store.put(bad, new ByteArrayInputStream(new byte[1])))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an object key");
            assertThatThrownBy(() -> store.get(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store.list("../", "", 10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.list("", "", 1000).stream().map(ObjectStore.StoredObject::key))
                .noneMatch(key -> key.contains("escape") || key.endsWith("/b"));
    }

    /**
     * Proves: an unreachable store, a wrong secret and a server certificate from a CA the
     * client does not trust each fail with a message naming the store and the cause, and
     * write nothing.
     */
    @Test
    void refusesAnUnreachableStoreWrongCredentialsAndAnUntrustedServer() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        S3ObjectStore.Settings good = StackObjectStore.settings();
        String key = RUN + "refused/object";
        try (S3ObjectStore unreachable = S3ObjectStore.open(StackObjectStore.with(
                URI.create("https://127.0.0.1:" + deadPort), good.secretKey(), good.caCertificate()))) {
            assertThatThrownBy(() -> unreachable.put(key, new ByteArrayInputStream(new byte[1])))
                    .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + deadPort)
                    .hasMessageContaining("unreachable");
            assertThatThrownBy(() -> unreachable.get(key)).isInstanceOf(IOException.class)
                    .hasMessageContaining("unreachable");
        }
        try (S3ObjectStore wrongSecret = S3ObjectStore.open(StackObjectStore.with(
                good.endpoint(), "not-the-secret-key-of-this-store", good.caCertificate()))) {
            assertThatThrownBy(() -> wrongSecret.put(key, new ByteArrayInputStream(new byte[1])))
                    .isInstanceOf(IOException.class).hasMessageContaining("refused the credentials")
                    .hasMessageNotContaining("not-the-secret-key-of-this-store");
            assertThatThrownBy(() -> wrongSecret.list(RUN, "", 10)).isInstanceOf(IOException.class)
                    .hasMessageContaining("refused the credentials");
        }
        try (S3ObjectStore untrusted = S3ObjectStore.open(StackObjectStore.with(
                good.endpoint(), good.secretKey(), Optional.empty()))) {
            assertThatThrownBy(() -> untrusted.put(key, new ByteArrayInputStream(new byte[1])))
                    .isInstanceOf(IOException.class).hasMessageContaining("unreachable")
                    .hasStackTraceContaining("PKIX");
        }
        assertThat(store.list(RUN + "refused/", "", 10)).isEmpty();
        assertThatThrownBy(() -> StackObjectStore.with(URI.create("https://127.0.0.1:1"), " ", good.caCertificate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret key is empty");
    }

    /** Proves: a content stream that breaks in its second part leaves the key's previous object as it was. */
    @Test
    void aWriteThatBreaksMidwayChangesNothing() throws Exception {
        String key = RUN + "broken/object";
        byte[] before = "before\n".getBytes(StandardCharsets.UTF_8);
        store.put(key, new ByteArrayInputStream(before));
        InputStream breaking = new java.io.FilterInputStream(GeneratedContent.of(3L * S3ObjectStore.PART_SIZE_BYTES_MIN)) {
            private long read;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (read > S3ObjectStore.PART_SIZE_BYTES_MIN + 1000) {
                    throw new IOException("the export's source broke");
                }
                int n = super.read(buffer, offset, length);
                read += Math.max(n, 0);
                return n;
            }
        };
        assertThatThrownBy(() -> store.put(key, breaking)).isInstanceOf(IOException.class)
                .hasMessageContaining("the export's source broke");
        assertThat(read(key)).isEqualTo(before);
    }

    /**
     * Proves: the expiry sweep deletes what is older than expire-after and keeps the rest,
     * with a short setting (2 s) and the sweep's clock placed after the objects were written.
     */
    @Test
    void expiredObjectsAreDeleted() throws Exception {
        String prefix = RUN + "expiry/";
        store.put(prefix + "old", new ByteArrayInputStream(new byte[] {1}));
        ObjectStore.StoredObject old = store.list(prefix + "old", "", 1).get(0);
        Duration expireAfter = Duration.ofSeconds(2);

        assertThat(ExpiredObjects.delete(store, prefix, expireAfter, old.lastModified().plusSeconds(1), 100))
                .as("younger than expire-after").isZero();
        assertThat(store.list(prefix, "", 10)).hasSize(1);
        assertThat(ExpiredObjects.delete(store, prefix, expireAfter, old.lastModified().plusSeconds(3), 100))
                .as("older than expire-after").isEqualTo(1);
        assertThat(store.list(prefix, "", 10)).isEmpty();
        assertThatThrownBy(() -> ExpiredObjects.delete(store, prefix, Duration.ZERO, old.lastModified(), 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expire-after");
    }

    private static byte[] read(String key) throws IOException {
        try (InputStream in = store.get(key).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    private static List<String> keys(List<ObjectStore.StoredObject> objects) {
        List<String> keys = new ArrayList<>();
        objects.forEach(object -> keys.add(object.key()));
        return keys;
    }

    static String sha256Of(InputStream content) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(content, sha256)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
