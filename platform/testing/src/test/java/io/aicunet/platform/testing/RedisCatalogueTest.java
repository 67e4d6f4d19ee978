package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.aicunet.platform.testing.RedisCatalogue.Entry;
import io.aicunet.platform.testing.RedisCatalogue.ObservedKey;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves RedisCatalogue fails both ways: on a catalogue of its own, each kind of
 * problem (uncatalogued key, no TTL, a TTL too long, a wrong type, an uncatalogued
 * channel, a malformed document) is reported and a conforming key is not, first on
 * keys described by hand, then on real keys SCANned from the stack's Redis; and the
 * fleet's docs/redis.md parses into the patterns the services write.
 */
class RedisCatalogueTest {

    private static final String UUID_REGEX = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static final String PLACEHOLDERS = """
            ## Placeholders

            | placeholder | matches | what |
            |---|---|---|
            | `<tenant>` | `%s` | a tenant id |
            | `<name>` | `[a-z]+` | a name |
            """.formatted(UUID_REGEX);

    private static final String KEYS_HEADER = """
            ## Key patterns

            | pattern | owner | type | TTL max | data class | TTL set by | bound | when lost |
            |---|---|---|---|---|---|---|---|
            """;

    private static final String SAMPLE = PLACEHOLDERS + "\n" + KEYS_HEADER + """
            | `t:{<tenant>}:check:item:<name>` | check | string | 1 min | operational | a setting | one per item | rebuilt |
            | `t:{<tenant>}:check:list:<name>` | check | hash | 10 s | personal: ciphertext | a setting | 10 fields | gone |
            | `t:{<tenant>}:check:kept` | check | set | none | operational | none: a registry | 100 members | gone |
            | `t:{platform}:check:news` | check | channel | n/a | operational | n/a | one message per change | delays |
            """;

    private static final String TENANT = "0b6c6a43-60c1-4e0f-9f38-3c2f56a0e0a1";

    @BeforeAll
    static void stack() {
        FleetStack.ensureRunning();
    }

    /** Proves: a key that matches its pattern, type and TTL passes; a key under none of the patterns is reported. */
    @Test
    void aKeyWithoutAPatternIsReportedAndAConformingKeyIsNot() {
        RedisCatalogue catalogue = RedisCatalogue.parse(SAMPLE);
        ObservedKey conforming = new ObservedKey("t:{" + TENANT + "}:check:item:apple", "string", 59_000);
        ObservedKey stray = new ObservedKey("t:{" + TENANT + "}:check:item:Apple", "string", 1_000);
        ObservedKey otherService = new ObservedKey("t:{" + TENANT + "}:elsewhere:item:apple", "string", 1_000);

        assertThat(catalogue.problems(List.of(conforming))).isEmpty();
        assertThat(catalogue.problems(List.of(conforming, stray, otherService))).containsExactly(
                "uncatalogued key t:{" + TENANT + "}:check:item:Apple (string, TTL 1000 ms): no pattern of"
                        + " docs/redis.md matches it; catalogue it or stop writing it",
                "uncatalogued key t:{" + TENANT + "}:elsewhere:item:apple (string, TTL 1000 ms): no pattern of"
                        + " docs/redis.md matches it; catalogue it or stop writing it");
    }

    /**
     * Proves: a key without a TTL whose pattern has one is reported, and so is a TTL
     * longer than the catalogued maximum; a pattern catalogued with TTL none accepts a
     * key without one; a key of another type than catalogued is reported.
     */
    @Test
    void aMissingOrTooLongTtlAndAWrongTypeAreReported() {
        RedisCatalogue catalogue = RedisCatalogue.parse(SAMPLE);
        String list = "t:{" + TENANT + "}:check:list:pears";

        assertThat(catalogue.problems(List.of(new ObservedKey(list, "hash", -1)))).containsExactly(
                "key " + list + " has no TTL, but docs/redis.md gives t:{<tenant>}:check:list:<name> a TTL of at"
                        + " most 10000 ms");
        assertThat(catalogue.problems(List.of(new ObservedKey(list, "hash", 10_001)))).containsExactly(
                "key " + list + " has a TTL of 10001 ms, longer than the 10000 ms docs/redis.md allows"
                        + " t:{<tenant>}:check:list:<name>");
        assertThat(catalogue.problems(List.of(new ObservedKey(list, "hash", 10_000)))).isEmpty();
        assertThat(catalogue.problems(List.of(new ObservedKey(list, "stream", 5_000)))).containsExactly(
                "key " + list + " is a stream, but docs/redis.md catalogues t:{<tenant>}:check:list:<name> as a hash");
        assertThat(catalogue.problems(List.of(new ObservedKey("t:{" + TENANT + "}:check:kept", "set", -1))))
                .isEmpty();
    }

    /** Proves: an active channel the catalogue lacks is reported, a catalogued one is not. */
    @Test
    void anUncataloguedChannelIsReported() {
        RedisCatalogue catalogue = RedisCatalogue.parse(SAMPLE);

        assertThat(catalogue.channelProblems(List.of("t:{platform}:check:news"))).isEmpty();
        assertThat(catalogue.channelProblems(List.of("t:{platform}:check:gossip"))).containsExactly(
                "uncatalogued pub/sub channel t:{platform}:check:gossip: no channel of docs/redis.md matches it;"
                        + " catalogue it or stop using it");
        assertThat(catalogue.problems(List.of(new ObservedKey("t:{platform}:check:news", "string", 1_000))))
                .as("a channel row catalogues no key of that name").hasSize(1);
    }

    /**
     * Proves: every pattern of an owner must have been seen, so a pattern a service no
     * longer writes is named; patterns that two rows both match are reported.
     */
    @Test
    void anUnseenPatternAndOverlappingPatternsAreReported() {
        RedisCatalogue catalogue = RedisCatalogue.parse(SAMPLE);
        List<ObservedKey> keys = List.of(new ObservedKey("t:{" + TENANT + "}:check:item:apple", "string", 1_000),
                new ObservedKey("t:{" + TENANT + "}:check:kept", "set", -1));

        assertThatThrownBy(() -> catalogue.assertEveryPatternSeen("check", keys, List.of("t:{platform}:check:news")))
                .isInstanceOf(AssertionError.class)
                .hasMessage("catalogued for check but not seen in Redis: t:{<tenant>}:check:list:<name>; drive it in"
                        + " the test, or remove it from docs/redis.md if check no longer writes it");
        assertThatThrownBy(() -> catalogue.assertEveryPatternSeen("nobody", keys, List.of()))
                .isInstanceOf(AssertionError.class).hasMessage("docs/redis.md catalogues nothing of nobody");

        RedisCatalogue overlapping = RedisCatalogue.parse(SAMPLE + """
                | `t:{<tenant>}:check:item:apple` | check | string | 1 min | operational | a setting | one | rebuilt |
                """);
        assertThat(overlapping.problems(List.of(new ObservedKey("t:{" + TENANT + "}:check:item:apple", "string", 1))))
                .singleElement().asString().contains("matches 2 patterns");
    }

    /** Proves: a malformed catalogue is refused, naming the line and what is wrong with it. */
    @Test
    void aMalformedCatalogueIsRefused() {
        assertRefused(PLACEHOLDERS + KEYS_HEADER
                        + "| `t:{<who>}:x` | check | string | 1 min | operational | s | b | l |\n",
                "line 11: pattern t:{<who>}:x uses <who>, which the placeholder table does not declare");
        assertRefused(PLACEHOLDERS + KEYS_HEADER
                        + "| `t:x` | check | blob | 1 min | operational | s | b | l |\n",
                "line 11: type 'blob' is none of [channel, hash, list, set, stream, string, zset]");
        assertRefused(PLACEHOLDERS + KEYS_HEADER
                        + "| `t:x` | check | string | one hour | operational | s | b | l |\n",
                "line 11: TTL max 'one hour' is neither none nor a duration");
        assertRefused(PLACEHOLDERS + KEYS_HEADER
                        + "| `t:x` | check | string | 1 h | secret | s | b | l |\n",
                "line 11: the data class column must start with one of [audit, financial, operational, personal]");
        assertRefused(PLACEHOLDERS + KEYS_HEADER
                        + "| `t:x` | check | string | 1 h | operational | s | | l |\n",
                "line 11: pattern t:x leaves 'bound' empty");
        assertRefused(PLACEHOLDERS + KEYS_HEADER
                        + "| `t:x` | check | channel | 1 h | operational | s | b | l |\n",
                "line 11: a channel holds nothing and has no TTL");
        assertRefused(PLACEHOLDERS + KEYS_HEADER
                        + "| `t:x` | check | string | 1 h | operational | s | b | l |\n"
                        + "| `t:x` | check | string | 1 h | operational | s | b | l |\n",
                "line 12: pattern 't:x' is empty or catalogued twice");
        assertRefused(PLACEHOLDERS + KEYS_HEADER.replace("| bound |", "| size |")
                        + "| `t:x` | check | string | 1 h | operational | s | b | l |\n",
                "the table under '## Key patterns' must have the columns");
        assertRefused(PLACEHOLDERS, "docs/redis.md has no heading '## Key patterns'");
        assertRefused(PLACEHOLDERS + KEYS_HEADER, "the table under '## Key patterns' has no rows");
    }

    /**
     * Proves the check on real keys of the stack's Redis, in a tenant of its own: a key
     * as catalogued passes, a key without its TTL and an uncatalogued key are reported
     * (exactly those two), a SCAN over no key fails rather than passing vacuously, and a
     * channel with a subscriber that the catalogue lacks is reported.
     */
    @Test
    void realKeysAndChannelsOnTheStacksRedis() {
        RedisCatalogue catalogue = RedisCatalogue.parse(SAMPLE);
        String tenant = UUID.randomUUID().toString();
        String prefix = "t:{" + tenant + "}:check:";
        try (RedisConnection redis = StackRedis.connect(StackRedis.ADMIN)) {
            try {
                redis.call("SET", prefix + "item:apple", "1", "PX", "60000");
                redis.call("HSET", prefix + "list:pears", "a", "1");
                redis.call("SET", prefix + "stray", "1", "PX", "60000");

                List<ObservedKey> keys = RedisCatalogue.scan("*" + tenant + "*");
                assertThat(keys).extracting(ObservedKey::name).containsExactlyInAnyOrder(prefix + "item:apple",
                        prefix + "list:pears", prefix + "stray");
                assertThat(keys).filteredOn(key -> key.name().endsWith("apple")).singleElement()
                        .satisfies(key -> assertThat(key.ttlMillis()).isBetween(1L, 60_000L));
                assertThatThrownBy(() -> catalogue.assertKeysCatalogued("*" + tenant + "*"))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageMatching(Pattern.quote("key " + prefix + "list:pears has no TTL, but docs/redis.md"
                                + " gives t:{<tenant>}:check:list:<name> a TTL of at most 10000 ms\n"
                                + "uncatalogued key " + prefix + "stray (string, TTL ") + "\\d+"
                                + Pattern.quote(" ms): no pattern of docs/redis.md matches it; catalogue it or stop"
                                + " writing it"));

                redis.call("DEL", prefix + "stray");
                redis.call("PEXPIRE", prefix + "list:pears", "10000");
                assertThat(catalogue.assertKeysCatalogued("*" + tenant + "*")).hasSize(2);
            } finally {
                redis.call("DEL", prefix + "item:apple", prefix + "list:pears", prefix + "stray");
            }
            assertThatThrownBy(() -> catalogue.assertKeysCatalogued("*" + tenant + "*"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("no Redis key matches");
        }

        String channel = "t:{" + tenant + "}:check:gossip";
        try (RedisConnection subscriber = StackRedis.connect(StackRedis.ADMIN)) {
            assertThat(subscriber.call("SUBSCRIBE", channel)).isEqualTo(List.of("subscribe", channel, 1L));
            assertThatThrownBy(() -> catalogue.assertChannelsCatalogued("*" + tenant + "*"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("uncatalogued pub/sub channel " + channel
                            + ": no channel of docs/redis.md matches it; catalogue it or stop using it");
        }
    }

    /**
     * Proves: the fleet's own docs/redis.md parses, catalogues agent-state's and config's
     * keys (and, for every service, platform/limits' request buckets) with a TTL each, and its patterns tell a queue from its dead-letter stream and
     * keep the platform's keys apart from tenants'.
     */
    @Test
    void theFleetsCatalogueParsesAndItsPatternsAreExclusive() {
        RedisCatalogue fleet = RedisCatalogue.fleet();
        assertThat(fleet.entriesOf("agent-state")).extracting(Entry::pattern, Entry::type).contains(
                tuple("t:{<tenant>}:agent-state:thread:<thread>:latest", "hash"),
                tuple("t:{<tenant>}:agent-state:agent:<agent>:heartbeat", "string"),
                tuple("t:{<tenant>}:agent-state:agent:<agent>:lease", "string"),
                tuple("t:{<tenant>}:agent-state:queue:<queue>", "stream"),
                tuple("t:{<tenant>}:agent-state:queue:<queue>:dead", "stream"));
        assertThat(fleet.entriesOf("config")).extracting(Entry::pattern, Entry::type).contains(
                tuple("t:{<tenant>}:config:effective", "hash"),
                tuple("t:{platform}:config:effective", "hash"),
                tuple("t:{platform}:config:revisions", "channel"));
        assertThat(fleet.entries()).extracting(Entry::owner)
                .containsOnly("agent-state", "config", "platform/limits (every service)");
        assertThat(fleet.entriesOf("platform/limits (every service)")).extracting(Entry::pattern, Entry::type)
                .containsExactlyInAnyOrder(tuple("t:{<tenant>}:limits:requests", "hash"),
                        tuple("t:{<tenant>}:limits:requests:principal:<subject-hash>", "hash"));
        assertThat(fleet.entries()).filteredOn(entry -> !entry.isChannel())
                .allSatisfy(entry -> assertThat(entry.ttlMax()).as(entry.pattern()).isPresent());
        assertThat(fleet.entriesOf("agent-state").get(0).ttlMax()).contains(Duration.ofHours(1));

        String prefix = "t:{" + TENANT + "}:agent-state:";
        String agent = UUID.randomUUID().toString();
        assertThat(fleet.problems(List.of(
                new ObservedKey(prefix + "queue:dead", "stream", 1_000),
                new ObservedKey(prefix + "queue:jobs.v2:dead", "stream", 1_000),
                new ObservedKey(prefix + "agent:" + agent + ":lease", "string", 600_000),
                new ObservedKey(prefix + "thread:" + UUID.randomUUID() + ":latest", "hash", 3_600_000),
                new ObservedKey("t:{platform}:config:effective", "hash", 300_000),
                new ObservedKey("t:{" + TENANT + "}:config:effective", "hash", 300_000)))).isEmpty();
        assertThat(fleet.problems(List.of(
                new ObservedKey(prefix + "queue:Jobs", "stream", 1_000),
                new ObservedKey(prefix + "agent:" + agent.toUpperCase(java.util.Locale.ROOT) + ":lease", "string", 1),
                new ObservedKey("t:{platform}:agent-state:queue:jobs", "stream", 1_000),
                new ObservedKey("t:{" + TENANT + "}:config:revisions", "string", 1_000)))).hasSize(4);
        assertThat(fleet.channelProblems(List.of("t:{platform}:config:revisions"))).isEmpty();
    }

    private static void assertRefused(String markdown, String message) {
        assertThatThrownBy(() -> RedisCatalogue.parse(markdown))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
