package io.aicunet.ha;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Callers that keep calling while a drill kills a node: each call carries an id the caller
 * chose, and the ids of the calls the service acknowledged are recorded, so the drill can
 * show afterwards that none of them was lost. A failed call is not retried with the same id
 * (its outcome is unknown to the caller: it may or may not have happened); the next call
 * takes a new one. Recovery is measured from the kill to the first acknowledged call after
 * the last failure.
 */
final class Load implements AutoCloseable {

    /** One call: given the id the caller chose, returns normally when the service acknowledged it. */
    interface Call {
        void run(String id) throws Exception;
    }

    private final String name;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong lastFailureNanos = new AtomicLong();
    private final AtomicLong firstSuccessAfterFailureNanos = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final ExecutorService callers;

    private Load(String name, int callers, Function<Long, String> ids, Call call) {
        this.name = name;
        this.callers = Executors.newFixedThreadPool(callers);
        AtomicLong sequence = new AtomicLong();
        for (int i = 0; i < callers; i++) {
            this.callers.submit(() -> {
                while (running.get()) {
                    String id = ids.apply(sequence.incrementAndGet());
                    calls.incrementAndGet();
                    try {
                        call.run(id);
                        long now = System.nanoTime();
                        acknowledged.add(id);
                        if (lastFailureNanos.get() != 0) {
                            firstSuccessAfterFailureNanos.compareAndSet(0, now);
                        }
                    } catch (Exception failed) {
                        lastFailureNanos.set(System.nanoTime());
                        firstSuccessAfterFailureNanos.set(0);
                        if (failures.size() < 20) {
                            failures.add(failed.toString());
                        }
                        pause();
                    }
                }
                return null;
            });
        }
    }

    static Load start(String name, int callers, Function<Long, String> ids, Call call) {
        return new Load(name, callers, ids, call);
    }

    /** Waits until at least {@code count} calls were acknowledged. */
    Load awaitAcknowledged(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": only " + acknowledged.size() + " of " + count
                        + " calls acknowledged within " + timeout + "; failures: " + failures);
            }
            pause();
        }
        return this;
    }

    /**
     * Waits until calls are acknowledged again after the last failure, for {@code steady}
     * without a new failure, and returns the time from {@code killedAtNanos} to the first
     * acknowledged call after the last failure (zero when no call failed at all).
     */
    Duration awaitRecovery(long killedAtNanos, Duration steady, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long recovered = firstSuccessAfterFailureNanos.get();
            long failed = lastFailureNanos.get();
            long now = System.nanoTime();
            if (failed == 0 || failed < killedAtNanos) {
                // No call failed since the kill: wait a while to be sure the service keeps answering.
                if (now - killedAtNanos > steady.toNanos()) {
                    return Duration.ZERO;
                }
            } else if (recovered != 0 && now - recovered > steady.toNanos()) {
                return Duration.ofNanos(recovered - killedAtNanos);
            }
            if (now > deadline) {
                throw new AssertionError(name + ": calls did not succeed again within " + timeout
                        + " of the kill; last failures: " + failures);
            }
            pause();
        }
    }

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    long calls() {
        return calls.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        running.set(false);
        callers.shutdown();
        try {
            if (!callers.awaitTermination(30, TimeUnit.SECONDS)) {
                callers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
