package io.aicunet.platform.testing;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * For tests of group commit (docs/group-commit.md): {@value #CALLERS} callers released
 * at the same moment, and the proof, from the service's own metric
 * {@code aicunet.group.commit.calls}, that their calls were in fact grouped (fewer groups
 * than calls since {@link #start}), so no test passes by running them one by one.
 */
public final class GroupedCalls implements AutoCloseable {

    public static final int CALLERS = 64;

    private final MeterRegistry meters;
    private final String group;
    private final ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    private final long groupsBefore;
    private final double callsBefore;

    private GroupedCalls(MeterRegistry meters, String group) {
        this.meters = meters;
        this.group = group;
        this.groupsBefore = groups().map(DistributionSummary::count).orElse(0L);
        this.callsBefore = groups().map(DistributionSummary::totalAmount).orElse(0.0);
    }

    /** Callers of the group commit named {@code group}, its metric read from {@code meters} now. */
    public static GroupedCalls start(MeterRegistry meters, String group) {
        return new GroupedCalls(meters, group);
    }

    /** Runs {@value #CALLERS} calls released at the same moment; their answers in caller order. */
    public <T> List<T> concurrently(IntFunction<Callable<T>> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> running = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            Callable<T> work = call.apply(i);
            running.add(callers.submit(() -> {
                if (!start.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the callers were never released");
                }
                return work.call();
            }));
        }
        start.countDown();
        List<T> answers = new ArrayList<>();
        for (Future<T> answer : running) {
            answers.add(answer.get(120, TimeUnit.SECONDS));
        }
        return answers;
    }

    /** One call on the callers' threads, for a test that releases its calls itself. */
    public <T> Future<T> submit(Callable<T> call) {
        return callers.submit(call);
    }

    /** At least {@value #CALLERS} calls went through the group commit since {@link #start}, in fewer groups. */
    public void assertGrouped() {
        assertGrouped(CALLERS);
    }

    /** At least {@code callsMin} calls went through the group commit since {@link #start}, in fewer groups. */
    public void assertGrouped(int callsMin) {
        DistributionSummary groups = groups().orElseThrow(() -> new AssertionError("no call went through the group"
                + " commit " + group + " (aicunet.group.commit.calls is not registered)"));
        double groupCount = groups.count() - groupsBefore;
        double calls = groups.totalAmount() - callsBefore;
        if (calls < callsMin) {
            throw new AssertionError("calls through group commit " + group + ": " + calls + ", expected at least "
                    + callsMin);
        }
        if (groupCount >= calls) {
            throw new AssertionError(calls + " calls of " + group + " ran in " + groupCount
                    + " groups: they were not grouped");
        }
    }

    private Optional<DistributionSummary> groups() {
        return Optional.ofNullable(meters.find("aicunet.group.commit.calls").tag("group", group).summary());
    }

    @Override
    public void close() {
        callers.shutdownNow();
    }
}
