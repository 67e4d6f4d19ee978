package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.FleetStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * installs or starts anything. The scheduler's loop as a process (pid file, log, status,
 * {@code ./fleet down}) ran on a stack of its own: docs/backup-restore.md, "Scheduled
 * backups".
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
