package io.aicunet.config.application.watch;

import io.aicunet.config.application.access.ConfigViews.RevisionView;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.application.port.SecretCipher;
import io.aicunet.config.application.secrets.SecretAccess;
import io.aicunet.config.application.secrets.SecretAccess.SecretReveal;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.platform.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * One watch stream. Its cursor is the revision up to which every matching change was
 * sent. It first reads from the database (in the caller's tenant scope) everything
 * after the requested revision, then takes the feed's live batches: a batch that
 * starts at or before the cursor is applied from the cursor on (revisions at or below
 * it are dropped, so nothing repeats); a batch that starts beyond it, or a backlog too
 * long to keep, sends the session back to the database for the gap (so nothing is
 * skipped). One step runs at a time.
 */
final class WatchSession implements RevisionSubscriber {

    private final LongFunction<Uni<Entries.RevisionPage>> reader;
    private final Entries.RevisionFilter filter;
    private final SecretReveal reveal;
    private final MultiEmitter<? super WatchChanges.WatchBatch> emitter;
    private final int batchSize;
    private final int inboxMax;
    private final Queue<RevisionBatch> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean catchUpNeeded = true;
    private volatile boolean closed;
    private volatile long cursor;
    private boolean started;

    WatchSession(long afterRevision, LongFunction<Uni<Entries.RevisionPage>> reader, Entries.RevisionFilter filter,
                 SecretReveal reveal, MultiEmitter<? super WatchChanges.WatchBatch> emitter, int batchSize,
                 int inboxMax) {
        this.cursor = afterRevision;
        this.reader = reader;
        this.filter = filter;
        this.reveal = reveal;
        this.emitter = emitter;
        this.batchSize = batchSize;
        this.inboxMax = inboxMax;
    }

    void start() {
        drain();
    }

    @Override
    public void offer(RevisionBatch batch) {
        if (closed) {
            return;
        }
        if (inboxSize.incrementAndGet() > inboxMax) {
            // Too far behind to keep every batch: drop it and read the gap from the database.
            inboxSize.decrementAndGet();
            catchUpNeeded = true;
        } else {
            inbox.add(batch);
        }
        drain();
    }

    void close() {
        closed = true;
    }

    private void drain() {
        if (wip.getAndIncrement() == 0) {
            run();
        }
    }

    private void run() {
        try {
            for (;;) {
                if (closed) {
                    return;
                }
                if (catchUpNeeded) {
                    catchUpNeeded = false;
                    catchUp().subscribe().with(ignored -> run(), this::fail);
                    return;
                }
                RevisionBatch batch = inbox.poll();
                if (batch != null) {
                    inboxSize.decrementAndGet();
                    if (batch.to() > cursor) {
                        if (batch.from() > cursor) {
                            catchUpNeeded = true;
                        } else {
                            List<ConfigRevision> matching = matching(batch.revisions());
                            if (reveal.needsKeys(secretsOf(matching))) {
                                // Keys of tenant secrets come from the tenant service: continue once they are here.
                                deliver(matching, batch.to()).subscribe().with(ignored -> run(), this::fail);
                                return;
                            }
                            emit(reveal, matching, batch.to());
                        }
                    }
                    continue;
                }
                if (wip.decrementAndGet() == 0) {
                    return;
                }
            }
        } catch (RuntimeException bug) {
            fail(bug);
        }
    }

    /** Reads everything after the cursor from the database, page by page. */
    private Uni<Void> catchUp() {
        long after = cursor;
        return reader.apply(after).flatMap(page -> {
            Entries.RevisionState state = page.state();
            if (!started && after > state.head()) {
                return Uni.createFrom().failure(new WatchChanges.WatchStopped(Problem.InvalidArgument.of(
                        "after_revision", "is " + after + ", beyond the newest revision " + state.head())));
            }
            if (state.compacted() > after) {
                return Uni.createFrom().failure(new WatchChanges.WatchStopped(new Problem.FailedPrecondition(
                        WatchChanges.REVISION_COMPACTED, "after_revision " + after,
                        "revisions up to " + state.compacted() + " were compacted; reload the effective"
                                + " configuration and watch after its revision")));
            }
            List<ConfigRevision> read = page.revisions();
            boolean full = read.size() == batchSize;
            long last = read.isEmpty() ? after : read.get(read.size() - 1).revision();
            return deliver(matching(read), full ? last : Math.max(state.head(), last))
                    .flatMap(ignored -> full ? catchUp() : Uni.createFrom().voidItem());
        });
    }

    /** The revisions after the cursor that this watcher wants. */
    private List<ConfigRevision> matching(List<ConfigRevision> revisions) {
        List<ConfigRevision> matching = new ArrayList<>();
        for (ConfigRevision revision : revisions) {
            if (revision.revision() > cursor && filter.matches(revision)) {
                matching.add(revision);
            }
        }
        return matching;
    }

    private static List<SecretCipher.SealedSecret> secretsOf(List<ConfigRevision> revisions) {
        List<SecretCipher.SealedSecret> secrets = new ArrayList<>();
        for (ConfigRevision revision : revisions) {
            revision.value().flatMap(v -> SecretCipher.SealedSecret.of(revision.key(), v)).ifPresent(secrets::add);
        }
        return secrets;
    }

    /** Fetches the keys the secrets among the revisions need (none usually), then sends them. */
    private Uni<Void> deliver(List<ConfigRevision> matching, long upTo) {
        return reveal.prepared(secretsOf(matching)).invoke(prepared -> emit(prepared, matching, upTo)).replaceWithVoid();
    }

    /** Sends the matching revisions and moves the cursor to {@code upTo}. */
    private void emit(SecretReveal shownAs, List<ConfigRevision> matching, long upTo) {
        if (closed) {
            return;
        }
        List<RevisionView> changes = new ArrayList<>(matching.size());
        for (ConfigRevision revision : matching) {
            changes.add(new RevisionView(revision, revision.value().map(v -> shownAs.show(revision.key(), v))));
        }
        long next = Math.max(cursor, upTo);
        // The first message tells the client the watch is live, even when nothing changed.
        if (!changes.isEmpty() || !started) {
            emitter.emit(new WatchChanges.WatchBatch(changes, next));
        }
        started = true;
        cursor = next;
    }

    private void fail(Throwable failure) {
        closed = true;
        emitter.fail(failure instanceof SecretAccess.RevealUnavailable unreachable
                ? new WatchChanges.WatchStopped(unreachable.problem())
                : failure);
    }
}
