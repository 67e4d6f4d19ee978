package io.aicunet.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The fleet's Redis usage catalogue, read from the tables in {@code docs/redis.md}, and
 * the check that what the services really wrote to Redis is in it: every key matches
 * exactly one catalogued pattern, is of the catalogued type, and has a TTL no longer
 * than the catalogued one (unless the catalogue says {@code none}); every pub/sub
 * channel in use is catalogued. A service's test drives its Redis paths through its
 * API, then calls {@link #assertKeysCatalogued} over the keys of its own test tenants
 * (and {@link #assertChannelsCatalogued} for its channels), and
 * {@link #assertEveryPatternSeen} so that a pattern the service no longer writes does
 * not linger in the catalogue either. Proven to fail both ways by
 * platform/testing's RedisCatalogueTest.
 *
 * <p>The document is the single source: the check parses the table under
 * {@value #KEYS_HEADING} (one row per key pattern or channel) and the table under
 * {@value #PLACEHOLDERS_HEADING} (what each {@code <placeholder>} of a pattern matches,
 * as a regular expression), so the documentation and the test cannot drift apart.
 */
public final class RedisCatalogue {

    static final String KEYS_HEADING = "## Key patterns";
    static final String PLACEHOLDERS_HEADING = "## Placeholders";

    /** The columns of the key table, in order; the check reads the first five. */
    static final List<String> KEY_COLUMNS = List.of("pattern", "owner", "type", "TTL max", "data class",
            "TTL set by", "bound", "when lost");
    static final List<String> PLACEHOLDER_COLUMNS = List.of("placeholder", "matches", "what");

    /** Redis's data types as TYPE names them, and {@code channel} for a pub/sub channel. */
    static final Set<String> TYPES = Set.of("string", "hash", "list", "set", "zset", "stream", "channel");

    /** The fleet's data classes (platform/privacy's DataClass, by wire name). */
    static final Set<String> DATA_CLASSES = Set.of("personal", "operational", "audit", "financial");

    private static final Pattern PLACEHOLDER = Pattern.compile("<([a-z][a-z-]*)>");
    private static final Pattern DURATION = Pattern.compile("(\\d+) (ms|s|min|h|d)");

    /** One row of the catalogue: a key pattern (or channel name pattern) and what the check holds it to. */
    public record Entry(String pattern, String owner, String type, Optional<Duration> ttlMax, String dataClass,
                        Pattern regex) {

        public boolean isChannel() {
            return type.equals("channel");
        }

        boolean matches(String name) {
            return regex.matcher(name).matches();
        }
    }

    /**
     * A key as Redis reports it: its name, TYPE, and PTTL in milliseconds (-1 when it has
     * no TTL).
     */
    public record ObservedKey(String name, String type, long ttlMillis) {
    }

    private final List<Entry> entries;

    private RedisCatalogue(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The fleet's catalogue, {@code docs/redis.md} of this checkout. */
    public static RedisCatalogue fleet() {
        Path document = FleetStack.repositoryRoot().resolve("docs").resolve("redis.md");
        try {
            return parse(Files.readString(document));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + document, e);
        }
    }

    /**
     * Reads a catalogue from its Markdown text. A malformed document (a table missing or
     * with other columns, an unknown type, data class or placeholder, a TTL that is
     * neither a duration nor {@code none}, a pattern twice) fails with an
     * {@link IllegalArgumentException} naming the line.
     */
    public static RedisCatalogue parse(String markdown) {
        List<String> lines = markdown.lines().toList();
        Map<String, String> placeholders = new LinkedHashMap<>();
        for (Row row : table(lines, PLACEHOLDERS_HEADING, PLACEHOLDER_COLUMNS)) {
            Matcher name = PLACEHOLDER.matcher(row.cell(0));
            if (!name.matches()) {
                throw row.invalid("a placeholder is written <name> in lower case, not '" + row.cell(0) + "'");
            }
            try {
                Pattern.compile(row.cell(1));
            } catch (PatternSyntaxException e) {
                throw row.invalid("'" + row.cell(1) + "' is no regular expression: " + e.getDescription());
            }
            if (placeholders.put(name.group(1), row.cell(1)) != null) {
                throw row.invalid("placeholder " + row.cell(0) + " is declared twice");
            }
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> patterns = new TreeSet<>();
        for (Row row : table(lines, KEYS_HEADING, KEY_COLUMNS)) {
            String pattern = row.cell(0);
            String type = row.cell(2);
            String ttl = row.cell(3);
            String dataClass = row.cell(4).split("[ ,;:(]", 2)[0];
            if (pattern.isEmpty() || !patterns.add(pattern)) {
                throw row.invalid("pattern '" + pattern + "' is empty or catalogued twice");
            }
            if (row.cell(1).isEmpty()) {
                throw row.invalid("pattern " + pattern + " names no owner");
            }
            if (!TYPES.contains(type)) {
                throw row.invalid("type '" + type + "' is none of " + new TreeSet<>(TYPES));
            }
            if (!DATA_CLASSES.contains(dataClass)) {
                throw row.invalid("the data class column must start with one of " + new TreeSet<>(DATA_CLASSES)
                        + ", not '" + row.cell(4) + "'");
            }
            for (int column = 5; column < KEY_COLUMNS.size(); column++) {
                if (row.cell(column).isEmpty()) {
                    throw row.invalid("pattern " + pattern + " leaves '" + KEY_COLUMNS.get(column) + "' empty");
                }
            }
            Optional<Duration> ttlMax;
            if (type.equals("channel")) {
                if (!ttl.equals("n/a")) {
                    throw row.invalid("a channel holds nothing and has no TTL: write n/a, not '" + ttl + "'");
                }
                ttlMax = Optional.empty();
            } else if (ttl.equals("none")) {
                ttlMax = Optional.empty();
            } else {
                ttlMax = Optional.of(duration(ttl).orElseThrow(() -> row.invalid("TTL max '" + ttl
                        + "' is neither none nor a duration such as 500 ms, 30 s, 5 min, 1 h, 7 d")));
            }
            entries.add(new Entry(pattern, row.cell(1), type, ttlMax, dataClass, regex(pattern, placeholders, row)));
        }
        return new RedisCatalogue(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The catalogued patterns (keys and channels) of one owner service. */
    public List<Entry> entriesOf(String owner) {
        return entries.stream().filter(entry -> entry.owner().equals(owner)).toList();
    }

    /**
     * What is wrong with these keys, one sentence each (empty when nothing is): a key
     * that matches no catalogued key pattern (or more than one), a key of another type
     * than catalogued, a key without a TTL or with a longer one than catalogued.
     */
    public List<String> problems(Collection<ObservedKey> keys) {
        List<String> problems = new ArrayList<>();
        for (ObservedKey key : keys) {
            List<Entry> matching = entries.stream().filter(entry -> !entry.isChannel() && entry.matches(key.name()))
                    .toList();
            if (matching.isEmpty()) {
                problems.add("uncatalogued key " + key.name() + " (" + key.type() + ", " + ttlText(key.ttlMillis())
                        + "): no pattern of docs/redis.md matches it; catalogue it or stop writing it");
                continue;
            }
            if (matching.size() > 1) {
                problems.add("key " + key.name() + " matches " + matching.size() + " patterns of docs/redis.md ("
                        + String.join(", ", matching.stream().map(Entry::pattern).toList())
                        + "): make them exclusive");
                continue;
            }
            Entry entry = matching.get(0);
            if (!entry.type().equals(key.type())) {
                problems.add("key " + key.name() + " is a " + key.type() + ", but docs/redis.md catalogues "
                        + entry.pattern() + " as a " + entry.type());
            }
            if (entry.ttlMax().isPresent()) {
                long max = entry.ttlMax().get().toMillis();
                if (key.ttlMillis() < 0) {
                    problems.add("key " + key.name() + " has no TTL, but docs/redis.md gives " + entry.pattern()
                            + " a TTL of at most " + max + " ms");
                } else if (key.ttlMillis() > max) {
                    problems.add("key " + key.name() + " has a TTL of " + key.ttlMillis() + " ms, longer than the "
                            + max + " ms docs/redis.md allows " + entry.pattern());
                }
            }
        }
        return problems;
    }

    /** What is wrong with these pub/sub channels: each one that matches no catalogued channel. */
    public List<String> channelProblems(Collection<String> channels) {
        List<String> problems = new ArrayList<>();
        for (String channel : channels) {
            if (entries.stream().noneMatch(entry -> entry.isChannel() && entry.matches(channel))) {
                problems.add("uncatalogued pub/sub channel " + channel
                        + ": no channel of docs/redis.md matches it; catalogue it or stop using it");
            }
        }
        return problems;
    }

    /**
     * Reads every key of the stack's Redis whose name matches the SCAN pattern, with its
     * TYPE and PTTL (keys that vanish between the SCAN and the TYPE are left out).
     */
    public static List<ObservedKey> scan(String matchPattern) {
        try (RedisConnection redis = StackRedis.connect(StackRedis.ADMIN)) {
            return scan(redis, matchPattern);
        }
    }

    static List<ObservedKey> scan(RedisConnection redis, String matchPattern) {
        Set<String> names = new TreeSet<>();
        String cursor = "0";
        do {
            List<?> reply = (List<?>) redis.call("SCAN", cursor, "MATCH", matchPattern, "COUNT", "1000");
            cursor = (String) reply.get(0);
            for (Object name : (List<?>) reply.get(1)) {
                names.add((String) name);
            }
        } while (!cursor.equals("0"));
        List<ObservedKey> keys = new ArrayList<>();
        for (String name : names) {
            String type = (String) redis.call("TYPE", name);
            long ttl = (Long) redis.call("PTTL", name);
            if (!type.equals("none") && ttl != -2) {
                keys.add(new ObservedKey(name, type, ttl));
            }
        }
        return keys;
    }

    /** The stack's Redis pub/sub channels with at least one subscriber, whose names match the glob pattern. */
    public static List<String> activeChannels(String matchPattern) {
        try (RedisConnection redis = StackRedis.connect(StackRedis.ADMIN)) {
            return ((List<?>) redis.call("PUBSUB", "CHANNELS", matchPattern)).stream().map(String.class::cast)
                    .sorted().toList();
        }
    }

    /**
     * Scans the stack's Redis for the keys matching the SCAN pattern (a test's own
     * tenants, say {@code *<tenant id>*}) and fails naming every problem
     * ({@link #problems}). Returns the keys, for {@link #assertEveryPatternSeen}. Fails
     * when there is no key at all: a check over nothing proves nothing.
     */
    public List<ObservedKey> assertKeysCatalogued(String matchPattern) {
        List<ObservedKey> keys = scan(matchPattern);
        if (keys.isEmpty()) {
            throw new AssertionError("no Redis key matches " + matchPattern
                    + ": the test wrote nothing the catalogue check could look at");
        }
        List<String> problems = problems(keys);
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
        return keys;
    }

    /** Fails naming every active channel matching the glob pattern that the catalogue lacks; returns the channels. */
    public List<String> assertChannelsCatalogued(String matchPattern) {
        List<String> channels = activeChannels(matchPattern);
        List<String> problems = channelProblems(channels);
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
        return channels;
    }

    /**
     * Fails naming every catalogued pattern of the owner that none of the keys or
     * channels matches: the test did not drive it, or the service no longer writes it
     * and the catalogue should say so.
     */
    public void assertEveryPatternSeen(String owner, Collection<ObservedKey> keys, Collection<String> channels) {
        List<Entry> owned = entriesOf(owner);
        if (owned.isEmpty()) {
            throw new AssertionError("docs/redis.md catalogues nothing of " + owner);
        }
        List<String> unseen = owned.stream()
                .filter(entry -> entry.isChannel()
                        ? channels.stream().noneMatch(entry::matches)
                        : keys.stream().noneMatch(key -> entry.matches(key.name())))
                .map(Entry::pattern)
                .toList();
        if (!unseen.isEmpty()) {
            throw new AssertionError("catalogued for " + owner + " but not seen in Redis: " + String.join(", ", unseen)
                    + "; drive it in the test, or remove it from docs/redis.md if " + owner + " no longer writes it");
        }
    }

    private static String ttlText(long ttlMillis) {
        return ttlMillis < 0 ? "no TTL" : "TTL " + ttlMillis + " ms";
    }

    static Optional<Duration> duration(String text) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "min" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        });
    }

    /** The pattern as a regular expression: its text literally, each placeholder as its declared expression. */
    private static Pattern regex(String pattern, Map<String, String> placeholders, Row row) {
        StringBuilder regex = new StringBuilder();
        Matcher placeholder = PLACEHOLDER.matcher(pattern);
        int literalStart = 0;
        while (placeholder.find()) {
            String expression = placeholders.get(placeholder.group(1));
            if (expression == null) {
                throw row.invalid("pattern " + pattern + " uses <" + placeholder.group(1)
                        + ">, which the placeholder table does not declare");
            }
            regex.append(Pattern.quote(pattern.substring(literalStart, placeholder.start())));
            regex.append("(?:").append(expression).append(')');
            literalStart = placeholder.end();
        }
        regex.append(Pattern.quote(pattern.substring(literalStart)));
        return Pattern.compile(regex.toString());
    }

    /** One row of a Markdown table, its cells trimmed and without the backticks of code spans. */
    private record Row(int lineNumber, List<String> cells) {

        String cell(int column) {
            return cells.get(column);
        }

        IllegalArgumentException invalid(String why) {
            return new IllegalArgumentException("docs/redis.md line " + lineNumber + ": " + why);
        }
    }

    /** The rows of the first table after the heading, whose header must be exactly these columns. */
    private static List<Row> table(List<String> lines, String heading, List<String> columns) {
        int headingIndex = lines.indexOf(heading);
        if (headingIndex < 0) {
            throw new IllegalArgumentException("docs/redis.md has no heading '" + heading + "'");
        }
        int index = headingIndex + 1;
        while (index < lines.size() && !lines.get(index).startsWith("|") && !lines.get(index).startsWith("#")) {
            index++;
        }
        if (index >= lines.size() || !lines.get(index).startsWith("|")) {
            throw new IllegalArgumentException("docs/redis.md has no table under '" + heading + "'");
        }
        List<String> header = cells(lines.get(index));
        if (!header.equals(columns)) {
            throw new IllegalArgumentException("docs/redis.md line " + (index + 1) + ": the table under '" + heading
                    + "' must have the columns " + columns + ", not " + header);
        }
        index += 2;
        List<Row> rows = new ArrayList<>();
        for (; index < lines.size() && lines.get(index).startsWith("|"); index++) {
            List<String> cells = cells(lines.get(index));
            Row row = new Row(index + 1, cells);
            if (cells.size() != columns.size()) {
                throw row.invalid("a row of " + cells.size() + " cells in a table of " + columns.size() + " columns");
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("docs/redis.md: the table under '" + heading + "' has no rows");
        }
        return rows;
    }

    /** The cells of a table line; a cell's backticks go, and {@code \|} stands for a literal bar. */
    private static List<String> cells(String line) {
        String body = line.strip();
        body = body.substring(1, body.endsWith("|") && body.length() > 1 ? body.length() - 1 : body.length());
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length() && body.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '|') {
                cells.add(unquote(cell.toString()));
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(unquote(cell.toString()));
        return cells;
    }

    private static String unquote(String cell) {
        String trimmed = cell.strip();
        return trimmed.length() >= 2 && trimmed.startsWith("`") && trimmed.endsWith("`")
                ? trimmed.substring(1, trimmed.length() - 1)
                : trimmed;
    }
}
