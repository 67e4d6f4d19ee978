package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.FleetCommand;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's "bad input and failure", through the real {@code ./fleet backup} and
 * {@code ./fleet restore}: an instant before the first backup or in the future, and a
 * repository key that is not the repository's, are refused with a clear message and
 * nothing is created; a backup while the object store cannot be reached fails visibly,
 * adds no backup, and the database keeps taking writes; dropping the checkpoint cache
 * takes a tenant id only. The wrong key and the dead object store come from a copy of
 * pgbackrest.conf (FLEET_BACKUP_CONF), never from changing the stack's own configuration.
 */
class RestoreRefusalsTest {

    private static final DateTimeFormatter TARGET =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final Pattern BACKUP_LABEL = Pattern.compile("(?m)^\\s+\\d{8}-\\d{6}F(_\\d{8}-\\d{6}[DI])?\\s");

    private static Path drill;

    @BeforeAll
    static void aBackupExists() throws IOException {
        FleetStack.ensureRunning();
        FleetCommand.ensureABackup();
        drill = FleetStack.fleetHome().resolve("drill-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(drill);
    }

    @AfterAll
    static void removeCopies() throws IOException {
        RestoreDrillTest.deleteRecursively(drill);
    }

    @Test
    void anInstantBeforeTheFirstBackupIsRefusedAndNothingIsCreated() {
        Path into = drill.resolve("before-first-backup");
        FleetCommand.Result result = FleetCommand.run("restore", "--to", "2000-01-01 00:00:00 UTC",
                "--into", into.toString(), "--port", Integer.toString(RestoreDrillTest.freePort()));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("is before the end of the oldest backup")
                .contains("nothing was changed");
        assertThat(into).doesNotExist();
    }

    @Test
    void anInstantAfterTheLastArchivedWalIsRefusedAndNothingIsCreated() {
        // While the stack's cluster runs, the restore archives its WAL up to the moment of
        // the command: the instants after the last archived WAL are those after it.
        Path into = drill.resolve("in-the-future");
        FleetCommand.Result result = FleetCommand.run("restore", "--to",
                TARGET.format(Instant.now().plus(1, ChronoUnit.HOURS)), "--into", into.toString(),
                "--port", Integer.toString(RestoreDrillTest.freePort()));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("is in the future; nothing was changed");
        assertThat(into).doesNotExist();
    }

    @Test
    void aWrongRepositoryKeyIsRefusedAndNothingIsCreated() throws IOException {
        Path conf = confCopy("wrong-key", Map.of("repo1-cipher-pass", "not-the-repository-key-" + UUID.randomUUID()),
                Map.of());
        Path into = drill.resolve("wrong-key-restore");
        FleetCommand.Result restore = FleetCommand.run(Map.of("FLEET_BACKUP_CONF", conf.toString()), "restore",
                "--to", TARGET.format(Instant.now().minus(1, ChronoUnit.SECONDS)), "--into", into.toString(),
                "--port", Integer.toString(RestoreDrillTest.freePort()));
        assertThat(restore.exitCode()).isNotZero();
        assertThat(restore.stderr()).contains("does not decrypt with the passphrase in " + conf)
                .contains("a wrong repository key; nothing was changed");
        assertThat(into).doesNotExist();
        // The stack's own configuration still reads the repository.
        assertThat(FleetCommand.run("backups").succeeded().stdout()).contains(": ok");
    }

    @Test
    void aBackupWhileTheObjectStoreIsUnreachableFailsVisiblyAndTheDatabaseKeepsServing() throws Exception {
        int backupsBefore = backupCount();
        // The stack's io-timeout (10 s) fails it within about a minute of retries; one second
        // keeps the test short and fails the same way.
        Path conf = confCopy("dead-store", Map.of("repo1-storage-port", Integer.toString(RestoreDrillTest.freePort()),
                "io-timeout", "1"), Map.of());
        FleetCommand.Result backup = FleetCommand.run(Map.of("FLEET_BACKUP_CONF", conf.toString()), "backup");
        assertThat(backup.exitCode()).isNotZero();
        assertThat(backup.stderr()).contains("backup: pgbackrest backup failed");
        assertThat(backupCount()).as("no backup was added").isEqualTo(backupsBefore);
        try (Connection connection = DriverManager.getConnection(TestDatabase.jdbcUrl("postgres"), "postgres",
                        FleetStack.postgresSuperuserPassword());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMPORARY TABLE still_serving (id int)");
            assertThat(statement.executeUpdate("INSERT INTO still_serving VALUES (1)")).isEqualTo(1);
            try (ResultSet rows = statement.executeQuery("SELECT txid_current() > 0")) {
                assertThat(rows.next() && rows.getBoolean(1)).isTrue();
            }
        } catch (SQLException e) {
            throw new AssertionError("the database stopped serving during the failed backup", e);
        }
    }

    @Test
    void droppingCachesRefusesATenantThatIsNoTenantIdAndDeletesNothing() {
        FleetCommand.Result result = FleetCommand.run("restore", "--drop-caches", "--tenant", "t:{*}");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("--tenant takes a tenant id (a UUID in lower case), not 't:{*}'");
        assertThat(result.stdout()).doesNotContain("dropped");
        FleetCommand.Result alone = FleetCommand.run("restore", "--tenant", UUID.randomUUID().toString(),
                "--to", "2000-01-01 00:00:00 UTC");
        assertThat(alone.exitCode()).isNotZero();
        assertThat(alone.stderr()).contains("--tenant goes with --drop-caches only");
    }

    /** The backups `./fleet backups` lists. */
    private static int backupCount() {
        Matcher labels = BACKUP_LABEL.matcher(FleetCommand.run("backups").succeeded().stdout());
        int count = 0;
        while (labels.find()) {
            count++;
        }
        return count;
    }

    /**
     * A copy of the stack's pgbackrest.conf with some settings replaced and some added to
     * its [global] section, owned and readable like the original (pgBackRest runs as the
     * cluster's owner).
     */
    private static Path confCopy(String name, Map<String, String> replaced, Map<String, String> added)
            throws IOException {
        Path original = FleetStack.fleetHome().resolve("pgbackrest/pgbackrest.conf");
        StringBuilder copy = new StringBuilder();
        int found = 0;
        for (String line : Files.readAllLines(original)) {
            String key = line.contains("=") ? line.substring(0, line.indexOf('=')) : "";
            if (replaced.containsKey(key)) {
                copy.append(key).append('=').append(replaced.get(key)).append('\n');
                found++;
            } else {
                copy.append(line).append('\n');
            }
            if (line.equals("[global]")) {
                added.forEach((setting, value) -> copy.append(setting).append('=').append(value).append('\n'));
            }
        }
        assertThat(copy.toString()).as("a [global] section in %s", original).contains("[global]");
        assertThat(found).as("settings replaced in %s", original).isEqualTo(replaced.size());
        Path conf = drill.resolve(name + ".conf");
        Files.writeString(conf, copy);
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        Files.setOwner(conf, Files.getOwner(original));
        return conf;
    }
}
