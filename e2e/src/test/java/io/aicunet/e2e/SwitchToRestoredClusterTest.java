package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.platform.testing.FleetCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Proves {@code ./fleet restore --switch DIR} (docs/backup-restore.md, step 5) on a stack
 * the test owns (its own object store, Postgres and Redis: {@link OwnStack}), never on
 * the shared one: a cluster restored to an instant T becomes the stack's Postgres on its
 * port, with exactly the rows committed by T plus what was written on it after the
 * restore; the old data directory is kept beside it; WAL archiving works on the new
 * timeline, and what the restored cluster wrote before the switch reached the archive
 * too, so a later restore replays from the backup taken before the switch through the
 * new timeline; agent-state's cached latest checkpoints are dropped and nothing else.
 * And what is not a promoted restore of this stack (no data directory, the stack's own,
 * another cluster, one that crashed, one on a timeline that is not later than the
 * stack's) is refused with a reason, and nothing changes: the same Postgres process
 * serves the same rows, the directory stays where it was. A restored cluster that was
 * used before the switch until a checkpoint removed WAL it never archived is switched
 * to with a full backup taken at once, from which its timeline restores, even to an
 * instant in the second that backup stopped in (pgBackRest, left to choose, would take
 * the backup before it, whose WAL to that instant is gone). The three run in that order
 * (refusals, switch, the used cluster), each on the timeline the one before left. When
 * one fails, the stack's logs (with every recovery log) are kept in
 * {@code e2e/target/own-stacks}.
 * <p>
 * Why a partial stack of its own: the switch stops and replaces the stack's cluster,
 * which every other test of the run uses. The cheapest honest copy of what it needs is
 * {@code ./fleet up --only object-store,postgres,redis} in a FLEET_HOME of its own (about
 * 5 s, no Kafka, Keycloak or OPA); it runs no services, so the restart of the services
 * that were running is not exercised here (BENCHMARKS.md has it done by hand on a full
 * stack).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchToRestoredClusterTest {

    private static final String DATABASE = "switch_drill";
    private static final String CACHED_CHECKPOINT = "t:{7d9f3f4e-0b6a-4c56-9a51-3a0f3c2e1d01}:agent-state:thread:"
            + "a1:latest";
    private static final String TASK_STREAM = "t:{7d9f3f4e-0b6a-4c56-9a51-3a0f3c2e1d01}:agent-state:tasks";

    private static final Pattern FULL_BACKUP = Pattern.compile("(?m)^\\s+\\d{8}-\\d{6}F\\s+full\\s");
    /** A full backup in `./fleet backups`: label, started, stopped (to the second, UTC). */
    private static final Pattern FULL_BACKUP_STOP = Pattern.compile(
            "(?m)^\\s+(\\d{8}-\\d{6}F)\\s+full\\s+\\S+ \\S+ UTC\\s+(\\S+ \\S+) UTC\\s");
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private static OwnStack stack;

    @RegisterExtension
    static final TestWatcher KEEP_THE_LOGS_OF_A_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (stack != null) {
                stack.keepLogs();
            }
        }
    };

    @BeforeAll
    static void aStackWithABackup() throws Exception {
        stack = OwnStack.start("switch", "object-store,postgres,redis");
        try (Connection connection = stack.connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        }
        try (Connection connection = stack.connect(DATABASE); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE marks (note text PRIMARY KEY)");
            statement.execute("INSERT INTO marks VALUES ('before the backup')");
        }
        stack.fleet("backup", "--type", "full").succeeded();
        // A restore can reach instants from the second after the backup's stop on.
        Instant backedUp = Instant.now();
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(backedUp.plusMillis(1100)));
    }

    @AfterAll
    static void stopTheStack() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(2)
    void aRestoredClusterBecomesTheStacksPostgresAndArchivesOnItsNewTimeline() throws Exception {
        List<String> earlier = marks(stack.postgresPort());
        mark("at T");
        String t = now(stack.postgresPort());
        mark("after T");
        Path restored = stack.home().resolve("restored-at-t");
        Path restoredAgain = stack.home().resolve("restored-at-t-again");
        int restoredPort = RestoreDrillTest.freePort();
        stack.fleet("restore", "--to", t, "--into", restored.toString(), "--port", Integer.toString(restoredPort))
                .succeeded();
        stack.fleet("restore", "--to", t, "--into", restoredAgain.toString(), "--port",
                Integer.toString(RestoreDrillTest.freePort())).succeeded();
        // Written through the restored cluster before the switch: must survive it and reach the archive.
        execute(restoredPort, "INSERT INTO marks VALUES ('on the restored cluster')");
        stack.redis("SET", CACHED_CHECKPOINT, "version-after-T");
        stack.redis("XADD", TASK_STREAM, "*", "task", "kept");

        FleetCommand.Result switched = stack.fleet("restore", "--switch", restored.toString()).succeeded();

        assertThat(switched.stdout()).contains("runs on 127.0.0.1:" + stack.postgresPort() + ", timeline 2")
                .contains("WAL archiving works on timeline 2")
                .contains("dropped 1 cached latest checkpoints of agent-state (every tenant)")
                .contains("services restarted: 0");
        assertThat(marks(stack.postgresPort())).containsExactlyInAnyOrderElementsOf(
                concat(earlier, "at T", "on the restored cluster"));
        assertThat(restored).as("moved into the stack's place").doesNotExist();
        List<Path> kept = replacedClusters();
        assertThat(kept).as("the old data directory, kept").hasSize(1);
        assertThat(kept.get(0).resolve("PG_VERSION")).exists();
        assertThat(stack.query("postgres", "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"))
                .as("the timeline it writes on").isEqualTo("00000002");
        assertThat(stack.query("postgres", "SHOW archive_mode")).isEqualTo("on");
        assertThat(stack.query("postgres", "SELECT failed_count || ' ' || substr(last_archived_wal, 1, 8) FROM pg_stat_archiver"))
                .as("failures and the timeline of the last archived segment").isEqualTo("0 00000002");
        assertThat(stack.redis("EXISTS", CACHED_CHECKPOINT)).as("the cached checkpoint").isEqualTo("0");
        assertThat(stack.redis("XLEN", TASK_STREAM)).as("the task stream").isEqualTo("1");

        // A restore after the switch starts from the backup taken before it (timeline 1)
        // and replays into timeline 2: its history and every segment since the restore are archived.
        mark("after the switch");
        String afterSwitch = now(stack.postgresPort());
        Path later = stack.home().resolve("restored-after-switch");
        int laterPort = RestoreDrillTest.freePort();
        stack.fleet("restore", "--to", afterSwitch, "--into", later.toString(), "--port", Integer.toString(laterPort))
                .succeeded();
        assertThat(marks(laterPort)).containsExactlyInAnyOrderElementsOf(
                concat(earlier, "at T", "on the restored cluster", "after the switch"));
        stack.fleet("restore", "--stop", later.toString()).succeeded();

        // Neither the other restore made at T (its timeline 2 is the stack's now) nor the
        // replaced cluster (timeline 1) can be switched to.
        long pid = stack.postgresPid();
        FleetCommand.Result again = stack.fleet("restore", "--switch", restoredAgain.toString());
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("is on timeline 2, the stack's cluster on 2: not a restore made since")
                .contains("nothing was changed");
        FleetCommand.Result back = stack.fleet("restore", "--switch", kept.get(0).toString());
        assertThat(back.exitCode()).isNotZero();
        assertThat(back.stderr()).contains("is on timeline 1, the stack's cluster on 2").contains("nothing was changed");
        assertThat(stack.postgresPid()).as("the same Postgres serves").isEqualTo(pid);
        assertThat(restoredAgain.resolve("PG_VERSION")).exists();
        assertThat(replacedClusters()).hasSize(1);
        stack.fleet("restore", "--stop", restoredAgain.toString()).succeeded();
    }

    @Test
    @Order(1)
    void whatIsNotAPromotedRestoreOfThisStackIsRefusedAndNothingChanges() throws Exception {
        long pid = stack.postgresPid();
        List<String> rows = marks(stack.postgresPort());
        int replacedBefore = replacedClusters().size();

        Path empty = Files.createDirectories(stack.home().resolve("empty"));
        refused(empty, "is not a Postgres data directory (no PG_VERSION, global/pg_control)");
        refused(stack.home().resolve("postgres"), "is the stack's own cluster");
        refused(stack.home().resolve("no-such-directory"), "does not exist");

        Path foreign = stack.home().resolve("another-cluster");
        initdb(foreign);
        refused(foreign, "not a restore of this stack's cluster");

        // A restored cluster whose server was killed: its data directory is not consistent.
        mark("before the crash");
        Path crashed = stack.home().resolve("crashed");
        stack.fleet("restore", "--to", now(stack.postgresPort()), "--into", crashed.toString(), "--port",
                Integer.toString(RestoreDrillTest.freePort())).succeeded();
        long postmaster = Long.parseLong(Files.readAllLines(crashed.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(postmaster).isEmpty());
        refused(crashed, "was not stopped cleanly (state: in production)");

        assertThat(stack.postgresPid()).as("the same Postgres serves").isEqualTo(pid);
        assertThat(marks(stack.postgresPort())).containsAll(rows).contains("before the crash");
        assertThat(replacedClusters()).as("no data directory replaced").hasSize(replacedBefore);
    }

    @Test
    @Order(3)
    void aSwitchToAClusterThatLostUnarchivedWalTakesAFullBackupAtOnce() throws Exception {
        // After the switch of the test before: the stack is on timeline 2, a restore now takes 3.
        mark("before the used restore");
        Path used = stack.home().resolve("restored-and-used");
        int usedPort = RestoreDrillTest.freePort();
        stack.fleet("restore", "--to", now(stack.postgresPort()), "--into", used.toString(), "--port",
                Integer.toString(usedPort)).succeeded();
        // Used before the switch: two segments completed, then a checkpoint, which removes
        // the older one (nothing keeps WAL for archiving on a restored cluster).
        try (Connection connection = stack.connect(usedPort, DATABASE);
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO marks VALUES ('on the used cluster, first segment')");
            statement.execute("SELECT pg_switch_wal()");
            statement.execute("INSERT INTO marks VALUES ('on the used cluster, second segment')");
            statement.execute("SELECT pg_switch_wal()");
            statement.execute("CHECKPOINT");
        }
        int backupsBefore = fullBackups();

        FleetCommand.Result switched = stack.fleet("restore", "--switch", used.toString()).succeeded();

        assertThat(switched.stderr()).contains("of timeline 3 was removed before it could be archived")
                .contains("taking a full backup");
        assertThat(switched.stdout()).contains("WAL archiving works on timeline 3")
                .contains("full backup on timeline 3 done");
        assertThat(fullBackups()).as("full backups").isEqualTo(backupsBefore + 1);
        assertThat(marks(stack.postgresPort())).contains("before the used restore",
                "on the used cluster, first segment", "on the used cluster, second segment");
        // From that backup on, the new timeline restores, from the last instant of the second
        // the backup stopped in (recorded to the second): pgBackRest alone would take the
        // backup before it, which cannot replay through the lost segment.
        Backup newest = newestFullBackup();
        Instant stopSecond = SECOND.parse(newest.stopSecond(), Instant::from);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(stopSecond.plusMillis(1100)));
        List<String> rowsAtTheSwitch = marks(stack.postgresPort());
        Path inTheStopSecond = stack.home().resolve("restored-in-the-backups-stop-second");
        int inTheStopSecondPort = RestoreDrillTest.freePort();
        FleetCommand.Result fromTheNewBackup = stack.fleet("restore", "--to", newest.stopSecond() + ".999999 UTC", "--into",
                inTheStopSecond.toString(), "--port", Integer.toString(inTheStopSecondPort)).succeeded();
        assertThat(fromTheNewBackup.stdout()).as("the backup set it restores").contains("--set=" + newest.label());
        assertThat(marks(inTheStopSecondPort)).containsExactlyInAnyOrderElementsOf(rowsAtTheSwitch);
        stack.fleet("restore", "--stop", inTheStopSecond.toString()).succeeded();
        // And to now.
        mark("after the second switch");
        Path later = stack.home().resolve("restored-after-second-switch");
        int laterPort = RestoreDrillTest.freePort();
        stack.fleet("restore", "--to", now(stack.postgresPort()), "--into", later.toString(), "--port",
                Integer.toString(laterPort)).succeeded();
        assertThat(marks(laterPort)).containsExactlyInAnyOrderElementsOf(marks(stack.postgresPort()));
        stack.fleet("restore", "--stop", later.toString()).succeeded();
    }

    /** A backup as `./fleet backups` lists it: its label, and the second it stopped in ("yyyy-MM-dd HH:mm:ss", UTC). */
    private record Backup(String label, String stopSecond) {
    }

    /** The newest full backup `./fleet backups` lists. */
    private static Backup newestFullBackup() {
        Matcher full = FULL_BACKUP_STOP.matcher(stack.fleet("backups").succeeded().stdout());
        Backup newest = null;
        while (full.find()) {
            if (newest == null || full.group(1).compareTo(newest.label()) > 0) {
                newest = new Backup(full.group(1), full.group(2));
            }
        }
        assertThat(newest).as("a full backup in ./fleet backups").isNotNull();
        return newest;
    }

    /** The full backups `./fleet backups` lists. */
    private static int fullBackups() {
        Matcher labels = FULL_BACKUP.matcher(stack.fleet("backups").succeeded().stdout());
        int count = 0;
        while (labels.find()) {
            count++;
        }
        return count;
    }

    private static void refused(Path directory, String reason) throws IOException {
        boolean existed = Files.exists(directory);
        FleetCommand.Result result = stack.fleet("restore", "--switch", directory.toString());
        assertThat(result.exitCode()).as("./fleet restore --switch %s", directory).isNotZero();
        assertThat(result.stderr()).contains(reason).contains("nothing was changed");
        assertThat(Files.exists(directory)).as("%s where it was", directory).isEqualTo(existed);
    }

    /** initdb of a cluster that has nothing to do with the stack (another system identifier). */
    private static void initdb(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // Postgres runs as the postgres OS user when ./fleet runs as root (postgres.sh).
            UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("postgres");
            Files.setOwner(directory, postgres);
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of(serverBinaries().resolve("initdb").toString(), "-D", directory.toString(), "-U",
                "postgres", "--auth=trust"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(stack.home().resolve("another-cluster-initdb.log").toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("initdb ends").isTrue();
        assertThat(process.exitValue()).as("initdb of %s (log beside it)", directory).isZero();
    }

    /** Where the stack finds initdb: FLEET_PG_BIN, or the newest Debian server (postgres.sh's pg_bindir). */
    private static Path serverBinaries() throws IOException {
        String configured = System.getenv("FLEET_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin")).filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparingInt(bin -> Integer.parseInt(bin.getParent().getFileName().toString())))
                    .orElseThrow(() -> new AssertionError("no /usr/lib/postgresql/*/bin/initdb (set FLEET_PG_BIN)"));
        }
    }

    private static List<String> concat(List<String> notes, String... more) {
        List<String> all = new ArrayList<>(notes);
        all.addAll(List.of(more));
        return all;
    }

    private static List<Path> replacedClusters() throws IOException {
        try (Stream<Path> children = Files.list(stack.home())) {
            return children.filter(dir -> dir.getFileName().toString().startsWith("postgres.replaced-")).toList();
        }
    }

    private static void mark(String note) throws SQLException {
        execute(stack.postgresPort(), "INSERT INTO marks VALUES ('" + note + "')");
    }

    private static void execute(int port, String sql) throws SQLException {
        try (Connection connection = stack.connect(port, DATABASE); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> marks(int port) throws SQLException {
        List<String> notes = new ArrayList<>();
        try (Connection connection = stack.connect(port, DATABASE); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT note FROM marks")) {
            while (rows.next()) {
                notes.add(rows.getString(1));
            }
        }
        return notes;
    }

    /** The cluster's clock now, after the last commit, as {@code ./fleet restore --to} reads it. */
    private static String now(int port) throws SQLException {
        try (Connection connection = stack.connect(port, "postgres"); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' UTC'")) {
            rows.next();
            return rows.getString(1);
        }
    }
}
