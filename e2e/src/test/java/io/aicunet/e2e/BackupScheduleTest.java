package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.platform.testing.FleetCommand;
import io.aicunet.platform.testing.FleetStack;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The local stack's backup scheduler (platform/devstack/bin/operations.sh), without a
 * second scheduler on the stack: its decision, the function the scheduler started by
 * {@code ./fleet up} runs at every check, is run here on {@code pgbackrest info} output
 * of our own making. Proves: with no backup it takes a full one; a full backup older than
 * FLEET_BACKUP_FULL_EVERY makes a full one; otherwise the newest full or differential
 * backup older than FLEET_BACKUP_DIFF_EVERY makes a differential one, and incremental
 * backups (taken by hand) do not put it off; otherwise nothing, saying when. The decision
 * depends only on the repository's times and the clock, so a restarted scheduler keeps
 * the schedule. And {@code ./fleet up} refuses malformed schedule settings before it
 * installs or starts anything.
 *
 * <p>Then the scheduler itself, as a process, on a stack the test owns ({@link OwnStack}:
 * its own Postgres and object store, never the shared stack's): with no backup it takes
 * a full one; restarted right after, it keeps the schedule (the differential one comes
 * the interval after the full one stopped, no second full); each run is recorded as the
 * scheduler's; {@code ./fleet status} shows it, a second scheduler is refused, and
 * {@code ./fleet down} stops it.
 */
class BackupScheduleTest {

    private static final long NOW = 1_800_000_000L;
    private static final long HOUR = 3600;
    private static final long DAY = 24 * HOUR;
    private static final long DIFF_EVERY = DAY;
    private static final long FULL_EVERY = 7 * DAY;

    @Test
    void withNoBackupAFullOneIsTaken() {
        assertThat(decide("[{\"name\":\"fleet\",\"backup\":[]}]")).isEqualTo("full no full backup yet");
        assertThat(decide("[{\"name\":\"fleet\"}]")).isEqualTo("full no full backup yet");
    }

    @Test
    void aFullBackupOlderThanTheFullIntervalMakesAFullOneEvenAfterARecentDifferential() {
        String info = info(backup("full", NOW - FULL_EVERY - 10), backup("diff", NOW - HOUR));
        assertThat(decide(info)).isEqualTo("full the newest full backup stopped " + (FULL_EVERY + 10) + " s ago");
    }

    @Test
    void theNewestFullOrDifferentialOlderThanTheDiffIntervalMakesADifferentialOne() {
        String afterFull = info(backup("full", NOW - 2 * DAY));
        assertThat(decide(afterFull)).isEqualTo("diff the newest full or differential backup stopped " + 2 * DAY
                + " s ago");
        String afterDiff = info(backup("full", NOW - 3 * DAY), backup("diff", NOW - DAY - 1));
        assertThat(decide(afterDiff)).isEqualTo("diff the newest full or differential backup stopped " + (DAY + 1)
                + " s ago");
    }

    @Test
    void incrementalBackupsDoNotPutTheDifferentialOff() {
        String info = info(backup("full", NOW - 2 * DAY), backup("incr", NOW - 60));
        assertThat(decide(info)).startsWith("diff ");
    }

    @Test
    void recentBackupsMakeNothingAndSayWhenTheNextAreDue() {
        String info = info(backup("full", NOW - 3 * DAY), backup("diff", NOW - HOUR));
        assertThat(decide(info)).isEqualTo("none next differential in " + (DAY - HOUR) + " s, next full in "
                + (4 * DAY) + " s");
    }

    @Test
    void malformedScheduleSettingsAreRefusedBeforeAnythingStarts() throws IOException {
        // A home of its own: nothing of the stack's is read, and nothing may be created there.
        Path home = Files.createTempDirectory("fleet-schedule-");
        try {
            for (Map.Entry<String, String> bad : List.of(Map.entry("FLEET_BACKUP_DIFF_EVERY", "tomorrow"),
                    Map.entry("FLEET_BACKUP_FULL_EVERY", "0d"), Map.entry("FLEET_BACKUP_CHECK_EVERY", "-5s"),
                    Map.entry("FLEET_BACKUP_SCHEDULE", "sometimes"))) {
                FleetCommand.Result up = FleetCommand.run(Map.of("FLEET_HOME", home.toString(), bad.getKey(),
                        bad.getValue()), "up", "--infra");
                assertThat(up.exitCode()).isNotZero();
                assertThat(up.stderr()).contains(bad.getKey()).contains("'" + bad.getValue() + "'");
                assertThat(up.stdout()).doesNotContain("starting");
            }
            FleetCommand.Result longerDiff = FleetCommand.run(Map.of("FLEET_HOME", home.toString(),
                    "FLEET_BACKUP_DIFF_EVERY", "8d"), "up", "--infra");
            assertThat(longerDiff.exitCode()).isNotZero();
            assertThat(longerDiff.stderr()).contains("FLEET_BACKUP_DIFF_EVERY (8d) must not be longer than"
                    + " FLEET_BACKUP_FULL_EVERY (7d)");
            // Only the directories every command makes (run, logs), empty.
            try (var created = Files.walk(home)) {
                assertThat(created.filter(Files::isRegularFile).toList()).isEmpty();
            }
        } finally {
            RestoreDrillTest.deleteRecursively(home);
        }
    }

    @Test
    void theSchedulerTakesAFullThenADifferentialBackupKeepsItsScheduleOverARestartAndStopsWithTheStack()
            throws Exception {
        try (OwnStack stack = OwnStack.start("schedule", "object-store,postgres")) {
            Map<String, String> environment = new HashMap<>(stack.environment());
            environment.put("FLEET_BACKUP_DIFF_EVERY", "20s");
            environment.put("FLEET_BACKUP_FULL_EVERY", "1h");
            environment.put("FLEET_BACKUP_CHECK_EVERY", "2s");
            Path queue = stack.home().resolve("audit-queue");

            Process first = startScheduler(stack, environment, "first");
            await().atMost(Duration.ofMinutes(2)).until(() -> records(queue).size() >= 1);
            JsonObject full = records(queue).get(0);
            // Restarted: a scheduler that counted from its own start would take another full one.
            first.destroy();
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Process second = startScheduler(stack, environment, "second");
            try {
                await().atMost(Duration.ofMinutes(2)).until(() -> records(queue).size() >= 2);
                List<JsonObject> records = records(queue);
                assertThat(records).hasSize(2);
                JsonObject diff = records.get(1);
                for (JsonObject record : records) {
                    assertThat(record.getString("action")).isEqualTo("aicunet.fleet.v1.BackupCompleted");
                    assertThat(record.getString("actor"))
                            .isEqualTo("operator:backup-scheduler via os-user:" + System.getProperty("user.name"));
                }
                JsonObject fullDetails = details(full);
                JsonObject diffDetails = details(diff);
                assertThat(fullDetails.getString("type")).isEqualTo("full");
                assertThat(fullDetails.getString("command")).isEqualTo("./fleet backup --type full");
                assertThat(diffDetails.getString("type")).isEqualTo("diff");
                assertThat(diffDetails.getString("prior")).isEqualTo(fullDetails.getString("label"));
                Duration between = Duration.between(Instant.parse(fullDetails.getString("backup_stopped_at")),
                        Instant.parse(diffDetails.getString("started_at")));
                assertThat(between).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(40));
                System.out.printf("scheduler: full %s, then diff %s %d s after it stopped (across a restart)%n",
                        fullDetails.getString("label"), diffDetails.getString("label"), between.toSeconds());

                assertThat(stack.fleet("status").succeeded().stdout())
                        .containsPattern("backup-sched +running +pid " + second.pid() + " ");
                FleetCommand.Result another = FleetCommand.run(environment, "backup-scheduler");
                assertThat(another.exitCode()).isNotZero();
                assertThat(another.stderr()).contains("backup-scheduler: already running (pid " + second.pid() + ")");

                stack.fleet("down").succeeded();
                assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(stack.home().resolve("run/backup-scheduler.pid")).doesNotExist();
                assertThat(stack.fleet("status").succeeded().stdout()).containsPattern("backup-sched +stopped");
            } finally {
                second.destroy();
            }
        }
    }

    private static Process startScheduler(OwnStack stack, Map<String, String> environment, String name)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(FleetStack.repositoryRoot().resolve("fleet").toString(),
                "backup-scheduler").directory(FleetStack.repositoryRoot().toFile()).redirectErrorStream(true)
                .redirectOutput(stack.home().resolve("scheduler-" + name + ".log").toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The records queued in {@code queue}, oldest first (the stack has no audit service). */
    private static List<JsonObject> records(Path queue) throws IOException {
        if (!Files.isDirectory(queue)) {
            return List.of();
        }
        List<JsonObject> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(queue)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                records.add(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        return records;
    }

    private static JsonObject details(JsonObject record) {
        return new JsonObject(new String(Base64.getDecoder().decode(record.getString("details")), StandardCharsets.UTF_8));
    }

    private static String backup(String type, long stop) {
        String label = type + "-" + UUID.randomUUID().toString().substring(0, 8);
        return "{\"label\":\"" + label + "\",\"type\":\"" + type + "\",\"timestamp\":{\"start\":" + (stop - 30)
                + ",\"stop\":" + stop + "}}";
    }

    private static String info(String... backups) {
        return "[{\"name\":\"fleet\",\"status\":{\"code\":0},\"backup\":[" + String.join(",", backups) + "]}]";
    }

    /** backup_schedule_decide NOW DIFF_EVERY FULL_EVERY with {@code info} as `pgbackrest info` output. */
    private static String decide(String info) {
        Path bin = FleetStack.repositoryRoot().resolve("platform/devstack/bin");
        try {
            Process process = new ProcessBuilder("bash", "-c",
                    "set -euo pipefail; source \"$1/common.sh\"; source \"$1/operations.sh\";"
                            + " backup_schedule_decide \"$2\" \"$3\" \"$4\"",
                    "decide", bin.toString(), Long.toString(NOW), Long.toString(DIFF_EVERY),
                    Long.toString(FULL_EVERY)).redirectErrorStream(true).start();
            process.getOutputStream().write(info.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(process.exitValue()).as(output).isZero();
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run bash", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
