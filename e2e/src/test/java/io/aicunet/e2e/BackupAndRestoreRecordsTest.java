package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.audit.v1.AuditRecord;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc;
import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.VerifyLogResponse;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetCommand;
import io.aicunet.platform.testing.FleetStack;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: "backup runs and restores are recorded (who, when, what) in the audit log".
 * Proves, through the real {@code ./fleet backup} and {@code ./fleet restore} against the
 * shared e2e fleet's own audit service (FLEET_AUDIT_URL) and a queue of the test's own
 * (FLEET_AUDIT_QUEUE): a backup taken while the audit service cannot be reached is
 * queued as one file and appended to the platform's log by the next command that finds
 * the service up, with its actor (OS user and FLEET_OPERATOR) and details (type, label,
 * times, WAL range, exit code), and delivering the same file again appends nothing; a
 * failed backup is recorded with its exit code and error; a restore to an instant, the
 * restored cluster's stop, dropping the caches and a refused restore are each recorded;
 * and the platform's log still verifies (chain, tree, signed checkpoint) after them.
 */
class BackupAndRestoreRecordsTest {

    private static final String PLATFORM_LOG = "00000000-0000-0000-0000-000000000000";
    private static final DateTimeFormatter TARGET =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);
    private static final Pattern RESTORABLE_FROM =
            Pattern.compile("restorable: from (\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}) UTC");

    private static Fleet fleet;
    private static Path work;

    @BeforeAll
    static void startFleet() throws IOException {
        FleetStack.ensureRunning();
        // The restore below needs a backup; on a fresh stack this class may run before any test took one.
        FleetCommand.ensureABackup();
        fleet = Fleet.shared();
        work = FleetStack.fleetHome().resolve("records-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(work);
    }

    @AfterAll
    static void removeWork() throws IOException {
        RestoreDrillTest.deleteRecursively(work);
    }

    @Test
    void aBackupWhileTheAuditServiceIsDownIsQueuedThenAppendedOnceWithWhoAndWhat() throws IOException {
        Operator operator = new Operator("queued");
        Path queue = operator.queue();

        // No audit service answers on this port: the record waits in the queue, one file.
        Map<String, String> auditDown = new HashMap<>(operator.environment());
        auditDown.put("FLEET_AUDIT_URL", "http://127.0.0.1:" + RestoreDrillTest.freePort());
        FleetCommand.Result backup = FleetCommand.run(auditDown, "backup").succeeded();
        assertThat(backup.stdout()).contains("1 record(s) queued in " + queue);
        List<Path> queued = jsonFiles(queue);
        assertThat(queued).hasSize(1);
        String file = Files.readString(queued.get(0), StandardCharsets.UTF_8);
        JsonObject record = new JsonObject(file);
        String recordId = record.getString("record_id");
        assertThat(UUID.fromString(recordId).toString()).isEqualTo(recordId);
        assertThat(record.getString("action")).isEqualTo("aicunet.fleet.v1.BackupCompleted");

        // The next command that finds the audit service up delivers it.
        FleetCommand.Result backups = FleetCommand.run(operator.environment(), "backups").succeeded();
        assertThat(backups.stdout()).contains("audit: 1 record(s) appended to the platform log");
        assertThat(jsonFiles(queue)).isEmpty();

        List<AuditRecord> records = recordsOf(operator);
        assertThat(records).hasSize(1);
        AuditRecord appended = records.get(0);
        assertThat(appended.getRecordId()).isEqualTo(recordId);
        assertThat(appended.getActor()).isEqualTo(operator.actor());
        assertThat(appended.getOutcome()).isEqualTo("success");
        assertThat(appended.getOrigin()).isEqualTo("rest");
        JsonObject details = details(appended);
        String label = details.getString("label");
        assertThat(label).matches("\\d{8}-\\d{6}F(_\\d{8}-\\d{6}[DI])?");
        assertThat(appended.getResource()).isEqualTo("stanza/fleet/backup/" + label);
        assertThat(backup.stdout()).contains(label);
        assertThat(details.getString("type")).isIn("full", "incr");
        assertThat(details.getInteger("exit_code")).isZero();
        assertThat(details.getString("wal_start")).matches("[0-9A-F]{24}");
        assertThat(details.getString("wal_stop")).matches("[0-9A-F]{24}");
        assertThat(details.getString("operator")).isEqualTo(operator.name);
        assertThat(details.getLong("duration_ms")).isPositive();
        assertThat(Instant.parse(details.getString("backup_stopped_at")))
                .isBetween(Instant.parse(details.getString("started_at")).minusSeconds(1),
                        Instant.parse(details.getString("stopped_at")).plusSeconds(1));

        // Delivered again (as after a crash between Append and removing the file): the
        // service answers the record it kept, and the log holds it once.
        Files.writeString(queue.resolve("0-" + recordId + ".json"), file, StandardCharsets.UTF_8);
        FleetCommand.Result again = FleetCommand.run(operator.environment(), "backups").succeeded();
        assertThat(again.stdout()).contains("audit: 1 record(s) appended to the platform log")
                .contains("(1 already there)");
        assertThat(jsonFiles(queue)).isEmpty();
        assertThat(recordsOf(operator)).extracting(AuditRecord::getRecordId).containsExactly(recordId);

        assertThePlatformLogVerifies();
    }

    @Test
    void aFailedBackupIsRecordedWithItsExitCodeAndError() throws IOException {
        Operator operator = new Operator("failing");
        Path conf = deadStoreConf();
        Map<String, String> environment = new HashMap<>(operator.environment());
        environment.put("FLEET_BACKUP_CONF", conf.toString());
        FleetCommand.Result backup = FleetCommand.run(environment, "backup", "--type", "diff");
        assertThat(backup.exitCode()).isNotZero();
        assertThat(backup.stderr()).contains("backup: pgbackrest backup failed");

        List<AuditRecord> records = recordsOf(operator);
        assertThat(records).hasSize(1);
        AuditRecord failed = records.get(0);
        assertThat(failed.getAction()).isEqualTo("aicunet.fleet.v1.BackupFailed");
        assertThat(failed.getOutcome()).isEqualTo("failure");
        assertThat(failed.getResource()).isEqualTo("stanza/fleet");
        assertThat(failed.getReason()).contains("backup: pgbackrest backup failed");
        JsonObject details = details(failed);
        assertThat(details.getInteger("exit_code")).isEqualTo(backup.exitCode());
        assertThat(details.getString("command")).isEqualTo("./fleet backup --type diff");
        assertThat(details.containsKey("label")).isFalse();
        assertThat(jsonFiles(operator.queue())).isEmpty();
    }

    @Test
    void aRestoreItsStopAndDroppingTheCachesAreRecordedAndTheLogStillVerifies() throws IOException {
        Operator operator = new Operator("restoring");
        Instant restorableFrom = restorableFrom(FleetCommand.run("backups").succeeded().stdout());
        // An instant after the end of the oldest backup (it may have been taken just now).
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(restorableFrom.plusSeconds(1)));
        Instant t = Instant.now();
        Path restored = work.resolve("restored");
        int port = RestoreDrillTest.freePort();
        try {
            FleetCommand.run(operator.environment(), "restore", "--to", TARGET.format(t), "--into",
                    restored.toString(), "--port", Integer.toString(port)).succeeded();
        } finally {
            if (Files.exists(restored.resolve("postmaster.pid"))) {
                FleetCommand.run(operator.environment(), "restore", "--stop", restored.toString()).succeeded();
            }
        }
        String tenant = UUID.randomUUID().toString();
        FleetCommand.run(operator.environment(), "restore", "--drop-caches", "--tenant", tenant).succeeded();
        FleetCommand.Result refused = FleetCommand.run(operator.environment(), "restore", "--to",
                "2000-01-01 00:00:00 UTC", "--into", work.resolve("never").toString(), "--port",
                Integer.toString(RestoreDrillTest.freePort()));
        assertThat(refused.exitCode()).isNotZero();

        List<AuditRecord> records = recordsOf(operator);
        assertThat(records).extracting(AuditRecord::getAction).containsExactly(
                "aicunet.fleet.v1.RestoreCompleted", "aicunet.fleet.v1.RestoredClusterStopped",
                "aicunet.fleet.v1.RestoreCachesDropped", "aicunet.fleet.v1.RestoreFailed");
        assertThat(records).extracting(AuditRecord::getActor).containsOnly(operator.actor());

        AuditRecord restore = records.get(0);
        assertThat(restore.getOutcome()).isEqualTo("success");
        assertThat(restore.getResource()).isEqualTo("cluster/" + restored);
        JsonObject restoreDetails = details(restore);
        assertThat(restoreDetails.getString("target_time"))
                .isEqualTo(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC)
                        .format(t));
        assertThat(restoreDetails.getString("target_time_requested")).isEqualTo(TARGET.format(t));
        assertThat(restoreDetails.getInteger("port")).isEqualTo(port);
        assertThat(restoreDetails.getString("cluster_dir")).isEqualTo(restored.toString());
        assertThat(restoreDetails.getString("restored_from_cluster")).matches("\\d+");
        assertThat(restoreDetails.getInteger("exit_code")).isZero();
        assertThat(restoreDetails.getLong("duration_ms")).isPositive();

        assertThat(records.get(1).getResource()).isEqualTo("cluster/" + restored);
        JsonObject dropped = details(records.get(2));
        assertThat(dropped.getString("tenant")).isEqualTo(tenant);
        assertThat(dropped.getInteger("checkpoints_dropped")).isZero();

        AuditRecord failed = records.get(3);
        assertThat(failed.getOutcome()).isEqualTo("failure");
        assertThat(failed.getReason()).contains("is before the end of the oldest backup");
        assertThat(details(failed).getInteger("exit_code")).isEqualTo(refused.exitCode());

        assertThePlatformLogVerifies();
    }

    /** Who runs the commands in one test: an operator name of its own, a queue of its own. */
    private static final class Operator {
        final String name;

        Operator(String what) {
            name = "e2e " + what + " " + UUID.randomUUID().toString().substring(0, 8);
        }

        Path queue() {
            return work.resolve("queue-" + name.replace(' ', '-'));
        }

        Map<String, String> environment() {
            return Map.of("FLEET_AUDIT_URL", "https://127.0.0.1:" + fleet.port("audit"),
                    "FLEET_AUDIT_QUEUE", queue().toString(), "FLEET_OPERATOR", name);
        }

        String actor() {
            return "operator:" + name + " via os-user:" + System.getProperty("user.name");
        }
    }

    private static AuditServiceGrpc.AuditServiceBlockingStub auditor() {
        return AuditServiceGrpc.newBlockingStub(fleet.as("audit", AuditFixtures.platformAuditor()));
    }

    /** The operator's records in the platform's log, in sequence order. */
    private static List<AuditRecord> recordsOf(Operator operator) {
        return auditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(PLATFORM_LOG)
                .setActor(operator.actor()).setPageSize(500).build()).getRecordsList();
    }

    private static JsonObject details(AuditRecord record) {
        return new JsonObject(record.getDetails().toString(StandardCharsets.UTF_8));
    }

    private static void assertThePlatformLogVerifies() {
        auditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(PLATFORM_LOG).build());
        VerifyLogResponse verified = auditor().verifyLog(VerifyLogRequest.newBuilder().setTenantId(PLATFORM_LOG).build());
        assertThat(verified.getFindingsList()).isEmpty();
        assertThat(verified.getVerified()).isTrue();
        assertThat(verified.getCheckpointsVerified()).isPositive();
    }

    private static List<Path> jsonFiles(Path queue) throws IOException {
        if (!Files.isDirectory(queue)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(queue)) {
            return new ArrayList<>(files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList());
        }
    }

    private static Instant restorableFrom(String backups) {
        Matcher matcher = RESTORABLE_FROM.matcher(backups);
        assertThat(matcher.find()).as("a restorable range in:\n%s", backups).isTrue();
        return Instant.parse(matcher.group(1) + "T" + matcher.group(2) + "Z");
    }

    /** A copy of the stack's pgbackrest.conf whose object store is a port nothing listens on (1 s io-timeout). */
    private static Path deadStoreConf() throws IOException {
        Path original = FleetStack.fleetHome().resolve("pgbackrest/pgbackrest.conf");
        StringBuilder copy = new StringBuilder();
        for (String line : Files.readAllLines(original)) {
            if (line.startsWith("repo1-storage-port=")) {
                copy.append("repo1-storage-port=").append(RestoreDrillTest.freePort()).append('\n');
            } else if (line.startsWith("io-timeout=")) {
                copy.append("io-timeout=1\n");
            } else {
                copy.append(line).append('\n');
            }
        }
        assertThat(copy.toString()).contains("io-timeout=1\n").doesNotContain("repo1-storage-port=" + FleetStack.objectStorePort());
        Path conf = work.resolve("dead-store.conf");
        Files.writeString(conf, copy);
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        Files.setOwner(conf, Files.getOwner(original));
        return conf;
    }
}
