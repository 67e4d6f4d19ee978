package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the benchmarks read about a process: this JVM's own figures, as the kernel keeps them. */
class ProcessUsageTest {

    /** Proves: the resident set is read and its peak is at least what is resident now; CPU spent shows up per call. */
    @Test
    void readsMemoryAndCpuOfAProcess() {
        ProcessUsage self = ProcessUsage.self();
        ProcessUsage.Snapshot before = self.snapshot();
        assertThat(before.rssBytes()).as("resident set").isGreaterThan(1L << 20);
        assertThat(before.peakRssBytes()).as("peak resident set").isGreaterThanOrEqualTo(before.rssBytes());
        assertThat(before.memory()).matches("RSS \\d+ MiB \\(peak \\d+ MiB\\)");

        long deadline = System.nanoTime() + 200_000_000L;
        long spins = 0;
        while (System.nanoTime() < deadline) {
            spins++;
        }
        ProcessUsage.Snapshot after = self.snapshot();
        assertThat(spins).isPositive();
        assertThat(after.cpuMillisPerCall(before, 10)).as("200 ms of busy CPU over 10 calls").isGreaterThan(5.0);
        assertThat(after.cores(before, 0.2)).isGreaterThan(0.25);
    }

    /** Proves: a service ./fleet up did not start is not found, and its line says the service's CPU is unknown. */
    @Test
    void aServiceNotRunningIsReportedAsUnknown() {
        Optional<ProcessUsage> missing = ProcessUsage.stackService("no-such-service");
        assertThat(missing).isEmpty();
        assertThat(ProcessUsage.meter(missing).line(100, 1.0)).startsWith("service CPU unknown")
                .contains("load generator");
        assertThat(ProcessUsage.meter(Optional.of(ProcessUsage.self())).line(100, 1.0))
                .matches("service CPU \\d+\\.\\d{3} ms/call \\(\\d+\\.\\d{2} cores\\), load generator \\d+\\.\\d{2} cores");
    }
}
