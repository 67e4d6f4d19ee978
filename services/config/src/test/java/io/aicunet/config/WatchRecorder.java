package io.aicunet.config;

import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.config.v1.ConfigServiceGrpc.ConfigServiceStub;
import io.aicunet.contracts.config.v1.Revision;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.contracts.config.v1.WatchResponse;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** One watch stream as a test sees it: every response, the failure if any, and a way to hang up. */
public final class WatchRecorder implements AutoCloseable {

    private final List<WatchResponse> responses = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Long> arrivalNanos = new CopyOnWriteArrayList<>();
    private volatile boolean completed;
    private Context.CancellableContext context;

    public void open(ConfigServiceStub stub, WatchRequest request) {
        context = Context.current().withCancellation();
        context.run(() -> stub.watch(request, new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                long now = System.nanoTime();
                response.getChangesList().forEach(ignored -> arrivalNanos.add(now));
                responses.add(response);
            }

            @Override
            public void onError(Throwable error) {
                failure.set(error);
            }

            @Override
            public void onCompleted() {
                completed = true;
            }
        }));
    }

    /** Waits for the first response: the watch is live from then on. */
    public WatchRecorder awaitLive() {
        await().atMost(Duration.ofSeconds(30)).until(() -> !responses.isEmpty() || failure.get() != null);
        if (failure.get() != null) {
            throw new AssertionError("the watch failed instead of going live", failure.get());
        }
        return this;
    }

    /** Every change received, in arrival order. */
    public List<Revision> changes() {
        List<Revision> changes = new ArrayList<>();
        responses.forEach(response -> changes.addAll(response.getChangesList()));
        return changes;
    }

    public List<Long> revisions() {
        return changes().stream().map(Revision::getRevision).toList();
    }

    /** Waits until {@code count} changes arrived. */
    public List<Revision> awaitChanges(int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> changes().size() >= count || failure.get() != null);
        if (failure.get() != null && changes().size() < count) {
            throw new AssertionError("the watch failed after " + changes().size() + " changes", failure.get());
        }
        return changes();
    }

    /** Waits for the stream to fail and returns why. */
    public Throwable awaitFailure() {
        await().atMost(Duration.ofSeconds(30)).until(() -> failure.get() != null);
        return failure.get();
    }

    public List<WatchResponse> responses() {
        return List.copyOf(responses);
    }

    public List<Long> arrivalNanos() {
        return List.copyOf(arrivalNanos);
    }

    /** Whether the stream ended with an error. */
    public boolean failed() {
        return failure.get() != null;
    }

    public boolean completed() {
        return completed;
    }

    /** Hangs up, as a client that crashes or loses its connection would. */
    @Override
    public void close() {
        context.cancel(null);
    }
}
