package io.aicunet.platform.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Field encryption, the data-key cache, the local object store and the personal-data declaration. */
class PrivacyPrimitivesTest {

    private static final TenantId TENANT = TenantId.random();

    /** Proves: a field decrypts with its key only: not with another key, not for another tenant, not altered. */
    @Test
    void fieldCipherRoundTripsOnlyWithTheRightKey() {
        DataKey key = new DataKey(TENANT, "k1", AesGcm.newKey());
        String ciphertext = FieldCipher.encrypt(key, "alice@example.com");

        assertThat(ciphertext).startsWith("aes1:k1:").doesNotContain("alice");
        assertThat(FieldCipher.decrypt(key, ciphertext)).contains("alice@example.com");
        assertThat(FieldCipher.decrypt(new DataKey(TENANT, "k1", AesGcm.newKey()), ciphertext)).isEmpty();
        assertThat(FieldCipher.decrypt(new DataKey(TenantId.random(), "k1", keyMaterialOf(key)), ciphertext))
                .as("moved to another tenant").isEmpty();
        String altered = ciphertext.substring(0, ciphertext.length() - 4) + "AAA=";
        assertThat(FieldCipher.decrypt(key, altered)).isEmpty();
        assertThat(FieldCipher.keyIdOf(ciphertext)).contains("k1");
        assertThat(key.toString()).doesNotContain(new String(keyMaterialOf(key), StandardCharsets.ISO_8859_1));
    }

    /** Proves: the cache serves a key for its time to live, then asks again; it never holds more than its bound. */
    @Test
    void dataKeyCacheIsBoundedInTimeAndSize() {
        MutableClock clock = new MutableClock();
        AtomicInteger fetches = new AtomicInteger();
        TenantDataKeys keys = new TenantDataKeys((tenant, keyId) -> {
            fetches.incrementAndGet();
            return Uni.createFrom().item(Optional.of(new DataKey(tenant, "k1", new byte[32])));
        }, Duration.ofSeconds(60), 2, clock);

        keys.current(TENANT).await().indefinitely();
        keys.current(TENANT).await().indefinitely();
        assertThat(fetches.get()).isEqualTo(1);

        clock.now = clock.now.plusSeconds(61);
        keys.current(TENANT).await().indefinitely();
        assertThat(fetches.get()).as("expired entries are fetched again").isEqualTo(2);

        for (int i = 0; i < 5; i++) {
            keys.current(TenantId.random()).await().indefinitely();
            assertThat(keys.size()).as("never more than the bound of 2").isLessThanOrEqualTo(2);
        }
        assertThat(fetches.get()).isEqualTo(7);
    }

    /**
     * Proves: once a tenant's erasure is under way here, its cached key is dropped and every
     * use asks the tenant service, so the first refusal after the key's destruction is
     * answered at once (no cached copy outlives it); the refusal is then cached.
     */
    @Test
    void aTenantBeingErasedHasNoCachedKey() {
        AtomicInteger fetches = new AtomicInteger();
        boolean[] destroyed = {false};
        TenantDataKeys keys = new TenantDataKeys((tenant, keyId) -> {
            fetches.incrementAndGet();
            return Uni.createFrom().item(destroyed[0] ? Optional.empty()
                    : Optional.of(new DataKey(tenant, "k1", new byte[32])));
        }, Duration.ofSeconds(60), 10, new MutableClock());
        TenantId other = TenantId.random();
        keys.current(TENANT).await().indefinitely();
        keys.current(other).await().indefinitely();

        keys.erasing(TENANT);
        assertThat(keys.current(TENANT).await().indefinitely()).isPresent();
        assertThat(keys.current(TENANT).await().indefinitely()).isPresent();
        assertThat(fetches.get()).as("asked every time while the erasure runs").isEqualTo(4);
        keys.current(other).await().indefinitely();
        assertThat(fetches.get()).as("other tenants stay cached").isEqualTo(4);

        destroyed[0] = true;
        assertThat(keys.current(TENANT).await().indefinitely()).as("refused at once after destruction").isEmpty();
        assertThat(keys.current(TENANT).await().indefinitely()).isEmpty();
        assertThat(fetches.get()).as("the refusal is cached").isEqualTo(5);
    }

    /**
     * Proves: a paged kind fetches page after page while each names the next, ends with the
     * page that names none (an empty kind is one empty page), and fetches a page only when
     * the reader asks for it.
     */
    @Test
    void exportPagesAreFetchedOnlyWhenAskedFor() {
        AtomicInteger fetches = new AtomicInteger();
        io.smallrye.mutiny.Multi<ExportPage> pages = ExportPage.<Integer>paged("rows", after -> {
            fetches.incrementAndGet();
            int page = after.orElse(0);
            return Uni.createFrom().item(new ExportPage.Fetched<>(
                    java.util.List.of(new io.vertx.core.json.JsonObject().put("page", page)),
                    page < 4 ? Optional.of(page + 1) : Optional.empty()));
        });
        io.smallrye.mutiny.helpers.test.AssertSubscriber<ExportPage> reader =
                pages.subscribe().withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.create(2));
        assertThat(reader.getItems()).hasSize(2);
        assertThat(fetches.get()).as("no page fetched ahead of the reader").isEqualTo(2);
        reader.request(10).assertCompleted();
        assertThat(reader.getItems()).extracting(page -> page.records().get(0).getInteger("page"))
                .containsExactly(0, 1, 2, 3, 4);
        assertThat(reader.getItems()).allSatisfy(page -> assertThat(page.kind()).isEqualTo("rows"));

        assertThat(ExportPage.<Integer>paged("none", after -> Uni.createFrom().item(
                        new ExportPage.Fetched<>(java.util.List.of(), Optional.empty())))
                .collect().asList().await().indefinitely())
                .singleElement().satisfies(page -> assertThat(page.records()).isEmpty());
    }

    /**
     * Proves: the directory store returns what was put with its SHA-256, lists and deletes
     * (never a partial file), expires, and refuses keys that leave it, writing nothing.
     */
    @Test
    void localObjectStore(@TempDir Path root) throws Exception {
        LocalDirectoryObjectStore store = new LocalDirectoryObjectStore(root);
        byte[] content = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);

        String sha256 = store.put("exports/r1/ledger.jsonl", new ByteArrayInputStream(content));

        assertThat(sha256).isEqualTo(LocalDirectoryObjectStore.sha256Hex(content));
        try (java.io.InputStream in = store.get("exports/r1/ledger.jsonl").orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(store.get("exports/r1/none.jsonl")).isEmpty();
        Files.writeString(root.resolve("exports/r1/.partial-1.tmp"), "half");
        assertThat(store.list("exports/", "", 10)).singleElement().satisfies(object -> {
            assertThat(object.key()).isEqualTo("exports/r1/ledger.jsonl");
            assertThat(object.sizeBytes()).isEqualTo(content.length);
        });
        assertThat(store.list("exports/r2/", "", 10)).isEmpty();
        assertThat(ExpiredObjects.delete(store, "exports/", Duration.ofDays(7), Instant.now(), 10)).isZero();
        assertThat(ExpiredObjects.delete(store, "exports/", Duration.ofDays(7), Instant.now().plus(Duration.ofDays(8)), 10))
                .isEqualTo(1);
        assertThat(store.delete("exports/r1/ledger.jsonl")).isFalse();
        for (String bad : java.util.List.of("../escape", "exports/../../escape", "Exports/x")) {
            assertThatThrownBy(() -> store.put(bad, new ByteArrayInputStream(content)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(root.getParent().resolve("escape")).doesNotExist();
    }

    /** Proves: the lines stream yields every line's bytes in order, skipping empty lines, in any read size. */
    @Test
    void linesInputStream() throws Exception {
        java.util.List<byte[]> lines = java.util.List.of("ab\n".getBytes(StandardCharsets.UTF_8), new byte[0],
                "cde\n".getBytes(StandardCharsets.UTF_8));
        assertThat(new LinesInputStream(lines.iterator()).readAllBytes()).asString(StandardCharsets.UTF_8)
                .isEqualTo("ab\ncde\n");
        LinesInputStream single = new LinesInputStream(lines.iterator());
        StringBuilder read = new StringBuilder();
        for (int b = single.read(); b >= 0; b = single.read()) {
            read.append((char) b);
        }
        assertThat(read).hasToString("ab\ncde\n");
    }

    /** Proves: a column declared both personal and not is refused; classification lookups work. */
    @Test
    void personalDataDeclaration() {
        PersonalData declared = new PersonalData(Map.of("agents", Set.of("labels")), Map.of("agents", Set.of("id")));
        assertThat(declared.classifies("agents", "labels")).isTrue();
        assertThat(declared.classifies("agents", "kind")).isFalse();
        assertThatThrownBy(() -> new PersonalData(Map.of("t", Set.of("c")), Map.of("t", Set.of("c"))))
                .hasMessageContaining("both personal and not");
    }

    private static byte[] keyMaterialOf(DataKey key) {
        return key.material();
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
