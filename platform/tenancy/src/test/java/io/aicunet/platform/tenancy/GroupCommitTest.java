package io.aicunet.platform.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How {@link GroupCommit} forms groups and hands out answers. The work here is held open
 * by the test (a future per group), so which calls wait and which run together is
 * decided by the test, not by timing.
 */
class GroupCommitTest {

    /** One group the work was asked to run: its key, its inputs, and the answer the test gives it. */
    private record Run(String key, List<String> inputs, CompletableFuture<Result<List<Result<String>>>> answer) {

        void answerEach(Function<String, Result<String>> perInput) {
            List<Result<String>> results = new ArrayList<>();
            inputs.forEach(input -> results.add(perInput.apply(input)));
            answer.complete(Result.ok(results));
        }
    }

    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private GroupCommit<String, String, String> groups(int maxCalls, int maxInFlight) {
        return new GroupCommit<>("test", new GroupCommit.Settings(maxCalls, maxInFlight), meters,
                (key, members) -> {
                    List<String> inputs = new ArrayList<>();
                    members.forEach(member -> inputs.add(member.input()));
                    Run run = new Run(key, inputs, new CompletableFuture<>());
                    runs.add(run);
                    return Uni.createFrom().completionStage(run.answer());
                });
    }

    private static CompletableFuture<Result<String>> call(GroupCommit<String, String, String> groups, String key,
                                                         String input) {
        return groups.submit(key, input).subscribeAsCompletionStage();
    }

    @Test
    void aLoneCallRunsAtOnceInAGroupOfItsOwn() throws Exception {
        GroupCommit<String, String, String> groups = groups(64, 1);
        CompletableFuture<Result<String>> only = call(groups, "t1", "a");

        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).inputs()).containsExactly("a");
        runs.get(0).answerEach(input -> Result.ok(input + "!"));
        assertThat(only.get(1, TimeUnit.SECONDS).value()).isEqualTo("a!");
    }

    @Test
    void callsArrivingWhileAGroupRunsFormTheNextGroupAndEachGetsItsOwnAnswer() throws Exception {
        GroupCommit<String, String, String> groups = groups(64, 1);
        CompletableFuture<Result<String>> first = call(groups, "t1", "a");
        List<CompletableFuture<Result<String>>> waiting = new ArrayList<>();
        for (String input : List.of("b", "c", "d")) {
            waiting.add(call(groups, "t1", input));
        }
        assertThat(runs).as("the others wait for the running group").hasSize(1);

        runs.get(0).answerEach(input -> Result.ok(input + "1"));
        assertThat(first.get(1, TimeUnit.SECONDS).value()).isEqualTo("a1");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1).inputs()).containsExactly("b", "c", "d");
        runs.get(1).answerEach(input -> input.equals("c")
                ? Result.failed(Problem.InvalidArgument.of("x", "c is refused"))
                : Result.ok(input + "2"));
        assertThat(waiting.get(0).get(1, TimeUnit.SECONDS).value()).isEqualTo("b2");
        assertThat(waiting.get(1).get(1, TimeUnit.SECONDS).problem().detail()).contains("c is refused");
        assertThat(waiting.get(2).get(1, TimeUnit.SECONDS).value()).isEqualTo("d2");
        assertThat(meters.get("aicunet.group.commit.calls").tag("group", "test").summary().max()).isEqualTo(3);
    }

    @Test
    void aGroupHoldsAtMostMaxCallsInArrivalOrder() {
        GroupCommit<String, String, String> groups = groups(2, 1);
        for (String input : List.of("a", "b", "c", "d", "e")) {
            call(groups, "t1", input);
        }
        runs.get(0).answerEach(Result::ok);
        runs.get(1).answerEach(Result::ok);
        runs.get(2).answerEach(Result::ok);

        assertThat(runs).extracting(Run::inputs)
                .containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"));
    }

    @Test
    void keysNeverShareAGroupNorWaitForEachOther() {
        GroupCommit<String, String, String> groups = groups(64, 1);
        call(groups, "t1", "a");
        call(groups, "t2", "b");
        call(groups, "t1", "c");

        assertThat(runs).extracting(Run::key).containsExactly("t1", "t2");
        runs.get(0).answerEach(Result::ok);
        assertThat(runs.get(2).key()).isEqualTo("t1");
        assertThat(runs.get(2).inputs()).containsExactly("c");
    }

    @Test
    void maxInFlightGroupsOfOneKeyRunAtOnce() {
        GroupCommit<String, String, String> groups = groups(64, 2);
        call(groups, "t1", "a");
        call(groups, "t1", "b");
        call(groups, "t1", "c");
        call(groups, "t1", "d");

        assertThat(runs).extracting(Run::inputs).containsExactly(List.of("a"), List.of("b"));
        runs.get(1).answerEach(Result::ok);
        assertThat(runs.get(2).inputs()).containsExactly("c", "d");
    }

    @Test
    void maxCallsOfOneTurnsGroupingOff() {
        GroupCommit<String, String, String> groups = groups(1, 1);
        call(groups, "t1", "a");
        call(groups, "t1", "b");

        assertThat(runs).as("both run at once, neither waits").extracting(Run::inputs)
                .containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void aGroupRefusedAsAWholeRunsEachCallAloneAndEachHearsItsOwnAnswer() throws Exception {
        GroupCommit<String, String, String> groups = groups(64, 1);
        call(groups, "t1", "first");
        List<CompletableFuture<Result<String>>> waiting = new ArrayList<>();
        for (String input : List.of("b", "c")) {
            waiting.add(call(groups, "t1", input));
        }
        runs.get(0).answerEach(Result::ok);
        runs.get(1).answer().complete(Result.failed(new Problem.Conflict("QUOTA", "the group is over")));

        assertThat(runs).hasSize(3);
        assertThat(runs.get(2).inputs()).as("alone, one after another").containsExactly("b");
        runs.get(2).answerEach(input -> Result.ok(input + " alone"));
        assertThat(runs.get(3).inputs()).containsExactly("c");
        runs.get(3).answer().complete(Result.failed(new Problem.Conflict("QUOTA", "c is over")));

        assertThat(waiting.get(0).get(1, TimeUnit.SECONDS).value()).isEqualTo("b alone");
        assertThat(waiting.get(1).get(1, TimeUnit.SECONDS).problem().detail()).isEqualTo("c is over");
        assertThat(meters.get("aicunet.group.commit.splits").tag("group", "test").counter().count()).isEqualTo(1);
    }

    @Test
    void aFailedGroupRunsEachCallAloneAndOnlyTheCulpritFails() throws Exception {
        GroupCommit<String, String, String> groups = groups(64, 1);
        call(groups, "t1", "first");
        CompletableFuture<Result<String>> good = call(groups, "t1", "good");
        CompletableFuture<Result<String>> bad = call(groups, "t1", "bad");
        runs.get(0).answerEach(Result::ok);
        runs.get(1).answer().completeExceptionally(new IllegalStateException("duplicate key"));
        runs.get(2).answerEach(Result::ok);
        runs.get(3).answer().completeExceptionally(new IllegalStateException("duplicate key, bad's own"));

        assertThat(good.get(1, TimeUnit.SECONDS).value()).isEqualTo("good");
        assertThatThrownBy(() -> bad.get(1, TimeUnit.SECONDS)).hasRootCauseMessage("duplicate key, bad's own");
        // The lane is free again: the next call runs at once.
        call(groups, "t1", "after");
        assertThat(runs.get(4).inputs()).containsExactly("after");
    }

    /**
     * Proves: when the group's commit failed, nobody knows whether it committed: its calls
     * are not run again (a committed write would be answered as a conflict), each hears
     * the commit's failure.
     */
    @Test
    void aGroupWhoseCommitFailedIsNotRunAgain() {
        GroupCommit<String, String, String> groups = groups(64, 1);
        call(groups, "t1", "first");
        CompletableFuture<Result<String>> b = call(groups, "t1", "b");
        CompletableFuture<Result<String>> c = call(groups, "t1", "c");
        runs.get(0).answerEach(Result::ok);
        runs.get(1).answer().completeExceptionally(
                new GroupCommit.CommitOutcomeUnknown(new IllegalStateException("connection lost in COMMIT")));

        assertThatThrownBy(b::join).hasRootCauseMessage("connection lost in COMMIT")
                .rootCause().isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::join).hasRootCauseMessage("connection lost in COMMIT");
        assertThat(runs).as("no call ran again").hasSize(2);
        CompletableFuture<Result<String>> alone = call(groups, "t1", "d");
        runs.get(2).answer().completeExceptionally(
                new GroupCommit.CommitOutcomeUnknown(new IllegalStateException("lost again")));
        assertThatThrownBy(alone::join).cause().isInstanceOf(IllegalStateException.class).hasMessage("lost again");
        assertThat(meters.get("aicunet.group.commit.splits").tag("group", "test").counter().count()).isZero();
    }

    @Test
    void aLoneCallHearsItsWorksProblemAndFailureUnchanged() {
        GroupCommit<String, String, String> groups = groups(64, 1);
        CompletableFuture<Result<String>> refused = call(groups, "t1", "a");
        runs.get(0).answer().complete(Result.failed(new Problem.Conflict("QUOTA", "over")));
        assertThat(refused.join().problem().detail()).isEqualTo("over");

        CompletableFuture<Result<String>> failed = call(groups, "t1", "b");
        runs.get(1).answer().completeExceptionally(new IllegalArgumentException("boom"));
        assertThatThrownBy(failed::join).hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThat(runs).hasSize(2);
    }

    @Test
    void workAnsweringTheWrongNumberOfResultsFailsItsCallsRatherThanMisdeliver() {
        GroupCommit<String, String, String> groups = new GroupCommit<>("test", new GroupCommit.Settings(64, 1), meters,
                (key, members) -> Uni.createFrom().item(Result.ok(List.of())));
        Uni<Result<String>> call = groups.submit("t1", "a");
        assertThatThrownBy(() -> call.await().atMost(Duration.ofSeconds(1)))
                .hasMessageContaining("a group of 1 calls answered 0 results");
    }

    @Test
    void manyConcurrentCallersEachGetTheirOwnAnswer() throws Exception {
        GroupCommit<String, String, String> groups = new GroupCommit<>("test", new GroupCommit.Settings(8, 1), meters,
                (key, members) -> Uni.createFrom().item(() -> {
                    List<Result<String>> results = new ArrayList<>();
                    members.forEach(member -> results.add(Result.ok(key + ":" + member.input())));
                    return Result.ok(results);
                }).emitOn(Runnable::run).onItem().delayIt().by(Duration.ofMillis(2)));
        List<CompletableFuture<Result<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(call(groups, "t" + (i % 3), Integer.toString(i)));
        }
        for (int i = 0; i < 200; i++) {
            assertThat(calls.get(i).get(10, TimeUnit.SECONDS).value()).isEqualTo("t" + (i % 3) + ":" + i);
        }
        assertThat(meters.get("aicunet.group.commit.calls").tag("group", "test").summary().max())
                .as("calls were grouped").isGreaterThan(1).isLessThanOrEqualTo(8);
    }
}
