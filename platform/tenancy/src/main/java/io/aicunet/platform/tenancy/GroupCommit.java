package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.Result;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Group commit: concurrent calls on the same key (a tenant) are coalesced into one unit
 * of work, typically one database transaction, and each caller gets exactly its own
 * result.
 *
 * <p>There is no timer. A call on an idle key runs at once, alone, so a lone caller
 * never waits for a window that will not fill. While {@link Settings#maxInFlight()}
 * groups of a key are running, further calls on that key queue; when a group ends, the
 * queue (up to {@link Settings#maxCalls()} calls, in arrival order) becomes the next
 * group. The window is therefore the duration of the transaction before: under load
 * groups grow by themselves, and shrink back to one call when the load goes.
 *
 * <p>The group's work answers {@code Result<List<Result<O>>>}: one result per member, in
 * the members' order, when the group as a whole may commit; a failed outer result (or a
 * failure) when it may not. Then nothing of the group was written, and each member runs
 * again alone, in its own group of one, so that no member's problem (a storage quota, a
 * unique-key race, an answer that does not encode) becomes its neighbours' answer. A
 * group of one answers exactly what its work answers: the outer problem, or the failure.
 *
 * <p>One failure is never retried alone: a {@link CommitOutcomeUnknown}, the group's
 * {@code COMMIT} failing (the connection lost while committing), after which nobody knows
 * whether the group committed. Running its calls again could answer a committed write as
 * a conflict or an unchanged value; each call hears the failure instead, as a single call
 * does, and a client with an idempotency key retries safely.
 *
 * <p>Groups are per process: replicas each group their own callers, and what makes two
 * replicas' groups correct together is what made two single calls correct (row locks,
 * unique keys), since a group is one transaction like a single call's.
 *
 * @param <K> the key calls are grouped by; a group never holds two keys
 * @param <I> one call's input
 * @param <O> one call's value
 */
public final class GroupCommit<K, I, O> {

    /**
     * How groups are bounded.
     *
     * @param maxCalls    most calls in one group; 1 turns grouping off (every call runs at once, alone)
     * @param maxInFlight most groups of one key running at the same time
     */
    public record Settings(int maxCalls, int maxInFlight) {
        public Settings {
            if (maxCalls < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("a group has at least one call and one group may run, not "
                        + maxCalls + " calls and " + maxInFlight + " groups");
            }
        }
    }

    /** One call of a group: its input and the Mutiny context of the caller's subscription. */
    public record Member<I>(I input, Context context) {
        public Member {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(context, "context");
        }
    }

    /** The work of one group, all of whose members share {@code key}. */
    @FunctionalInterface
    public interface Work<K, I, O> {
        Uni<Result<List<Result<O>>>> apply(K key, List<Member<I>> members);
    }

    private final Settings settings;
    private final Work<K, I, O> work;
    private final DistributionSummary sizes;
    private final Timer durations;
    private final Counter splits;
    private final Object lock = new Object();
    private final Map<K, Lane<I, O>> lanes = new HashMap<>();

    /**
     * @param name the group's name in the metrics {@code aicunet.group.commit.calls} (calls per
     *             group), {@code aicunet.group.commit.duration} (from a group's start to its
     *             calls' answers) and {@code aicunet.group.commit.splits} (groups that ran their
     *             calls alone)
     */
    public GroupCommit(String name, Settings settings, MeterRegistry meters, Work<K, I, O> work) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.work = Objects.requireNonNull(work, "work");
        this.sizes = DistributionSummary.builder("aicunet.group.commit.calls").tag("group", name)
                .description("calls committed together in one group").register(meters);
        this.durations = Timer.builder("aicunet.group.commit.duration").tag("group", name)
                .description("from a group's start to its calls' answers").register(meters);
        this.splits = Counter.builder("aicunet.group.commit.splits").tag("group", name)
                .description("groups that could not commit together, so each call ran alone").register(meters);
    }

    /** Runs {@code input} in a group of {@code key}, and answers its own result. */
    public Uni<Result<O>> submit(K key, I input) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(input, "input");
        if (settings.maxCalls() == 1) {
            return Uni.createFrom().context(context -> alone(key, new Member<>(input, context)));
        }
        return Uni.createFrom().context(context -> Uni.createFrom().<Result<O>>emitter(emitter -> {
            synchronized (lock) {
                lanes.computeIfAbsent(key, k -> new Lane<>()).queue.add(new Waiting<>(new Member<>(input, context),
                        emitter));
            }
            drain(key);
        }));
    }

    /** Starts the key's next groups while it has calls waiting and room to run them. */
    private void drain(K key) {
        List<List<Waiting<I, O>>> groups = new ArrayList<>(1);
        synchronized (lock) {
            Lane<I, O> lane = lanes.get(key);
            if (lane == null) {
                return;
            }
            while (lane.inFlight < settings.maxInFlight() && !lane.queue.isEmpty()) {
                List<Waiting<I, O>> group = new ArrayList<>(Math.min(lane.queue.size(), settings.maxCalls()));
                while (group.size() < settings.maxCalls() && !lane.queue.isEmpty()) {
                    group.add(lane.queue.poll());
                }
                lane.inFlight++;
                groups.add(group);
            }
            if (lane.inFlight == 0 && lane.queue.isEmpty()) {
                lanes.remove(key);
            }
        }
        groups.forEach(group -> run(key, group));
    }

    private void run(K key, List<Waiting<I, O>> group) {
        sizes.record(group.size());
        List<Member<I>> members = new ArrayList<>(group.size());
        group.forEach(waiting -> members.add(waiting.member()));
        Uni<Void> done;
        if (group.size() == 1) {
            done = answerAlone(key, group.get(0));
        } else {
            done = guarded(key, members).onItemOrFailure().transformToUni((results, failure) -> {
                if (failure == null && results.isOk()) {
                    List<Result<O>> answers = results.value();
                    for (int index = 0; index < group.size(); index++) {
                        group.get(index).emitter().complete(answers.get(index));
                    }
                    return Uni.createFrom().voidItem();
                }
                if (failure instanceof CommitOutcomeUnknown unknown) {
                    group.forEach(waiting -> waiting.emitter().fail(unknown.getCause()));
                    return Uni.createFrom().voidItem();
                }
                // Nothing of the group was written: each member runs alone, one after another.
                splits.increment();
                Uni<Void> alone = Uni.createFrom().voidItem();
                for (Waiting<I, O> waiting : group) {
                    alone = alone.chain(() -> answerAlone(key, waiting));
                }
                return alone;
            });
        }
        long started = System.nanoTime();
        done.subscribe().with(ignored -> finished(key, started), failure -> finished(key, started));
    }

    private void finished(K key, long started) {
        durations.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        synchronized (lock) {
            lanes.get(key).inFlight--;
        }
        drain(key);
    }

    /** Runs one member alone and hands it its answer; never fails. */
    private Uni<Void> answerAlone(K key, Waiting<I, O> waiting) {
        return alone(key, waiting.member()).onItemOrFailure().invoke((result, failure) -> {
            if (failure != null) {
                waiting.emitter().fail(failure);
            } else {
                waiting.emitter().complete(result);
            }
        }).replaceWithVoid().onFailure().recoverWithNull();
    }

    /** A group of one: its outer problem or failure is its answer. */
    private Uni<Result<O>> alone(K key, Member<I> member) {
        return guarded(key, List.of(member))
                .map(results -> results.isOk() ? results.value().get(0) : Result.<O>failed(results.problem()))
                .onFailure(CommitOutcomeUnknown.class).transform(Throwable::getCause);
    }

    /** The work, with a synchronous throw or a wrong number of answers turned into a failure. */
    private Uni<Result<List<Result<O>>>> guarded(K key, List<Member<I>> members) {
        Uni<Result<List<Result<O>>>> answered;
        try {
            answered = Objects.requireNonNull(work.apply(key, members), "the group's work answered null");
        } catch (RuntimeException bug) {
            return Uni.createFrom().failure(bug);
        }
        return answered.map(results -> {
            if (results.isOk() && results.value().size() != members.size()) {
                throw new IllegalStateException("a group of " + members.size() + " calls answered "
                        + results.value().size() + " results");
            }
            return results;
        });
    }

    /**
     * The group's {@code COMMIT} failed: whether it committed is unknown, so its calls are
     * not run again; each hears the cause.
     */
    public static final class CommitOutcomeUnknown extends RuntimeException {
        public CommitOutcomeUnknown(Throwable cause) {
            super("the group's commit failed; whether it committed is unknown", cause);
        }
    }

    /** Calls of one key: waiting, and how many of its groups run. */
    private static final class Lane<I, O> {
        final ArrayDeque<Waiting<I, O>> queue = new ArrayDeque<>();
        int inFlight;
    }

    private record Waiting<I, O>(Member<I> member, UniEmitter<? super Result<O>> emitter) {
    }
}
