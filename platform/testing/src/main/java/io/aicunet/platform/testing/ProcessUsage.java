package io.aicunet.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What a process on this machine spent: CPU time (user and system) and memory (resident
 * set, and its peak since the process started), read from the kernel (/proc, Linux). A
 * benchmark takes a {@link Snapshot} of the service it drives and of itself before and
 * after a phase, and prints the service's CPU per call beside its throughput: a figure
 * that the load generator's own appetite for the same two cores cannot hide.
 */
public record ProcessUsage(long pid, String name) {

    /** The service {@code ./fleet up} started ($FLEET_HOME/run/service-&lt;service&gt;.pid), if it runs. */
    public static Optional<ProcessUsage> stackService(String service) {
        Path pidFile = FleetStack.fleetHome().resolve("run").resolve("service-" + service + ".pid");
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(handle -> new ProcessUsage(pid, service));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** This JVM: the load generator. */
    public static ProcessUsage self() {
        return new ProcessUsage(ProcessHandle.current().pid(), "load generator");
    }

    /**
     * Starts measuring a phase: the service's CPU (when it is found running) and this JVM's,
     * until {@link Meter#line}.
     */
    public static Meter meter(Optional<ProcessUsage> service) {
        ProcessUsage self = self();
        return new Meter(service, service.map(ProcessUsage::snapshot), self, self.snapshot());
    }

    /** A phase being measured: the snapshots taken at its start. */
    public record Meter(Optional<ProcessUsage> service, Optional<Snapshot> serviceBefore, ProcessUsage self,
                        Snapshot selfBefore) {

        /**
         * "service CPU 0.42 ms/call (1.63 cores), load generator 0.80 cores" for {@code calls}
         * calls over {@code seconds}; "service CPU unknown" when the service was not found.
         */
        public String line(long calls, double seconds) {
            Snapshot selfAfter = self.snapshot();
            String generator = String.format(Locale.ROOT, "load generator %.2f cores", selfAfter.cores(selfBefore, seconds));
            if (service.isEmpty() || serviceBefore.isEmpty()) {
                return "service CPU unknown (not started by ./fleet up), " + generator;
            }
            Snapshot after = service.get().snapshot();
            return String.format(Locale.ROOT, "service CPU %.3f ms/call (%.2f cores), %s", after.cpuMillisPerCall(
                    serviceBefore.get(), calls), after.cores(serviceBefore.get(), seconds), generator);
        }
    }

    /** CPU time and memory now. */
    public Snapshot snapshot() {
        Duration cpu = ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration()).orElse(Duration.ZERO);
        long rss = 0;
        long peak = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kibibytes(line) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    peak = kibibytes(line) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the memory of process " + pid + " (" + name + ")", e);
        }
        return new Snapshot(cpu, rss, peak);
    }

    private static long kibibytes(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }

    /** CPU time used so far, the resident set now and its peak since the process started. */
    public record Snapshot(Duration cpu, long rssBytes, long peakRssBytes) {

        /** Milliseconds of CPU per call between {@code before} and this snapshot. */
        public double cpuMillisPerCall(Snapshot before, long calls) {
            return calls == 0 ? Double.NaN : cpu.minus(before.cpu).toNanos() / 1e6 / calls;
        }

        /** Cores busy on average between {@code before} and this snapshot, {@code seconds} apart. */
        public double cores(Snapshot before, double seconds) {
            return cpu.minus(before.cpu).toNanos() / 1e9 / seconds;
        }

        /** "RSS 312 MiB (peak 401 MiB)". */
        public String memory() {
            return String.format(Locale.ROOT, "RSS %d MiB (peak %d MiB)", rssBytes >> 20, peakRssBytes >> 20);
        }
    }
}
