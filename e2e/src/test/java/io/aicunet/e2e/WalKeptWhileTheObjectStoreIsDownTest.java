package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves issue 16's "object store down: the database keeps serving, WAL is retained
 * until archived", on a stack the test owns ({@link OwnStack}: its own object store and
 * Postgres, archiving with the stack's settings), because stopping the shared stack's
 * object store would stop every other test's archiving: with the store stopped
 * ({@code ./fleet down --only object-store}), writes and WAL switches go on,
 * {@code pg_stat_archiver.failed_count} grows, nothing more is archived, and every
 * completed segment stays in pg_wal with its {@code .ready} mark; once the store is
 * started again ({@code ./fleet up --only object-store}), with nothing else done, every
 * segment is archived in order (last_archived_wal reaches the last one, no
 * {@code .ready} is left), the repository lists it ({@code ./fleet backups}) and a
 * restore to the moment after brings back every write made during the outage. Prints
 * how long the first failure took to show and how long the catch-up took.
 */
class WalKeptWhileTheObjectStoreIsDownTest {

    private static final int SEGMENTS = 3;
    private static final DateTimeFormatter TARGET =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);
    private static final Pattern LAST_ARCHIVED = Pattern.compile("last archived WAL segment \\(([0-9A-F]{24})\\b");

    private static OwnStack stack;

    @BeforeAll
    static void aStackThatArchives() throws Exception {
        stack = OwnStack.start("wal-kept", "object-store,postgres");
        try (Connection connection = stack.connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE writes (id bigserial PRIMARY KEY, payload text NOT NULL)");
        }
        // A backup to restore from at the end, and for ./fleet backups to list the archive's span.
        stack.fleet("backup", "--type", "full").succeeded();
    }

    @AfterAll
    static void stopTheStack() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void withTheObjectStoreDownWritesGoOnAndWalStaysUntilItIsArchived() throws Exception {
        long failedBefore = Long.parseLong(archiver("failed_count"));
        stack.fleet("down", "--only", "object-store").succeeded();
        long outageStarted = System.nanoTime();

        List<String> segments = new ArrayList<>();
        try (Connection connection = stack.connect("postgres"); Statement statement = connection.createStatement()) {
            for (int i = 0; i < SEGMENTS; i++) {
                assertThat(statement.executeUpdate(
                        "INSERT INTO writes (payload) SELECT repeat('x', 100) FROM generate_series(1, 1000)"))
                        .as("the database takes writes").isEqualTo(1000);
                segments.add(single(statement, "SELECT pg_walfile_name(pg_switch_wal())"));
            }
        }
        String first = segments.get(0);
        String last = segments.get(SEGMENTS - 1);

        // Each archive attempt against the dead store retries its connection for a while
        // (pgBackRest, io-timeout 10 s) before it fails: bounded generously.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Long.parseLong(archiver("failed_count")) > failedBefore);
        double firstFailureSeconds = (System.nanoTime() - outageStarted) / 1e9;
        assertThat(archiver("last_failed_wal")).isEqualTo(first);
        assertThat(archiver("coalesce(last_archived_wal, '')")).as("nothing archived since the outage")
                .isLessThan(first);
        Set<String> inPgWal = names("SELECT name FROM pg_ls_waldir()");
        Set<String> ready = names("SELECT name FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'");
        for (String segment : segments) {
            assertThat(inPgWal).as("segment %s kept in pg_wal", segment).contains(segment);
            assertThat(ready).as("segment %s waiting to be archived", segment).contains(segment + ".ready");
        }
        assertThat(Long.parseLong(stack.query("postgres", "SELECT count(*) FROM writes")))
                .as("every write committed during the outage").isEqualTo(SEGMENTS * 1000L);

        long storeBack = System.nanoTime();
        stack.fleet("up", "--only", "object-store").succeeded();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> archiver("coalesce(last_archived_wal, '')").compareTo(last) >= 0
                        && names("SELECT name FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'").isEmpty());
        double catchUpSeconds = (System.nanoTime() - storeBack) / 1e9;
        assertThat(lastArchivedInRepository(stack.fleet("backups").succeeded().stdout()))
                .as("the repository's newest archived segment").isGreaterThanOrEqualTo(last);
        // What was written during the outage restores from the archive.
        Path restored = stack.home().resolve("restored-after-outage");
        int restoredPort = RestoreDrillTest.freePort();
        stack.fleet("restore", "--to", TARGET.format(Instant.now()), "--into", restored.toString(), "--port",
                Integer.toString(restoredPort)).succeeded();
        try (Connection connection = stack.connect(restoredPort, "postgres");
                Statement statement = connection.createStatement()) {
            assertThat(Long.parseLong(single(statement, "SELECT count(*) FROM writes")))
                    .as("the outage's writes in the restored cluster").isEqualTo(SEGMENTS * 1000L);
        }
        stack.fleet("restore", "--stop", restored.toString()).succeeded();
        System.out.printf("wal kept: %d segments (%s to %s) waited in pg_wal while the object store was down; the"
                + " first failed attempt showed after %.1f s; %.1f s after ./fleet up --only object-store began"
                + " (its start included) all were archived%n", SEGMENTS, first, last, firstFailureSeconds, catchUpSeconds);
    }

    private static String lastArchivedInRepository(String listing) {
        Matcher matcher = LAST_ARCHIVED.matcher(listing);
        assertThat(matcher.find()).as("the last archived segment in %s", listing).isTrue();
        return matcher.group(1);
    }

    private static String archiver(String column) throws SQLException {
        return stack.query("postgres", "SELECT " + column + " FROM pg_stat_archiver");
    }

    private static Set<String> names(String sql) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Connection connection = stack.connect("postgres"); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
