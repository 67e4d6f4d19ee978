package io.aicunet.config.application.watch;

import io.aicunet.config.application.port.Entries;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One replica's follower of the revision sequence. Told that revisions committed (by
 * this replica directly, by others through
 * {@link io.aicunet.config.application.port.ChangeNotifications}, or by its own poll), it
 * reads every revision after the last one it read from the database, once for all its
 * subscribers (watch streams), and hands each batch to them in order.
 *
 * <p>It also knows, per tenant, the last revision that changed what that tenant's
 * effective configuration is made of, so a cached answer older than that is not used.
 *
 * <p>One read runs at a time (a work-in-progress counter serialises them without
 * blocking any thread); a signal that arrives meanwhile makes the loop read again.
 */
public final class ChangeFeed implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeFeed.class);
    /** Tenants whose last change is remembered; beyond it, everything cached before now counts as stale. */
    private static final int TENANTS_REMEMBERED_MAX = 100_000;

    private final String name;
    private final Pool pool;
    private final Entries entries;
    private final int batchSize;
    private final Set<RevisionSubscriber> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicLong wanted = new AtomicLong();
    private final AtomicLong announcements = new AtomicLong();
    private final AtomicLong platformChanged = new AtomicLong();
    private final ConcurrentHashMap<TenantId, Long> tenantChanged = new ConcurrentHashMap<>();
    /** Every revision up to head was read and handed out; -1 until the first read. */
    private volatile long head = -1;
    /** Nothing cached before this revision is trusted; no cached answer at all until the first read. */
    private volatile long freshnessFloor = Long.MAX_VALUE;
    private volatile boolean pollWanted;
    private volatile boolean closed;
    private volatile Cancellable subscription;

    public ChangeFeed(String name, Pool pool, Entries entries, int batchSize) {
        this.name = name;
        this.pool = pool;
        this.entries = entries;
        this.batchSize = batchSize;
    }

    /** Follows revision announcements (re-subscribing with back-off when the stream fails). */
    public void follow(Multi<Long> announced) {
        subscription = announced
                .onFailure().invoke(failure -> LOG.warnf("feed %s: revision announcements failed, re-subscribing: %s",
                        name, failure.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).indefinitely()
                .subscribe().with(revision -> {
                    announcements.incrementAndGet();
                    signal(revision);
                });
    }

    /** A revision up to {@code revision} committed somewhere. */
    public void signal(long revision) {
        wanted.accumulateAndGet(revision, Math::max);
        drain();
    }

    /** Looks for revisions nobody announced: the safety net for lost announcements. */
    public void poll() {
        pollWanted = true;
        drain();
    }

    /**
     * This replica committed {@code revision} at {@code scope}: noted before the writer
     * is answered, so this replica never serves a cached answer from before its own write.
     */
    public void committed(long revision, ConfigScope scope) {
        noteChange(revision, scope);
        signal(revision);
    }

    /** The oldest revision a cached effective configuration for the tenant may be at and still be current. */
    public long requiredRevision(Optional<TenantId> tenant) {
        long required = Math.max(freshnessFloor, platformChanged.get());
        if (tenant.isPresent()) {
            required = Math.max(required, tenantChanged.getOrDefault(tenant.get(), 0L));
        }
        return required;
    }

    /** Every revision up to this one was read and handed out; -1 before the first read. */
    public long head() {
        return head;
    }

    /** How many revision announcements arrived through {@link #follow}. */
    public long announcementsReceived() {
        return announcements.get();
    }

    int sessionCount() {
        return sessions.size();
    }

    void register(RevisionSubscriber session) {
        sessions.add(session);
    }

    void unregister(RevisionSubscriber session) {
        sessions.remove(session);
    }

    @Override
    public void close() {
        closed = true;
        Cancellable current = subscription;
        if (current != null) {
            current.cancel();
        }
    }

    private void noteChange(long revision, ConfigScope scope) {
        Optional<TenantId> tenant = scope.tenant();
        if (tenant.isEmpty()) {
            platformChanged.accumulateAndGet(revision, Math::max);
            return;
        }
        if (tenantChanged.size() >= TENANTS_REMEMBERED_MAX) {
            tenantChanged.clear();
            freshnessFloor = Math.max(freshnessFloor == Long.MAX_VALUE ? 0 : freshnessFloor, revision);
        }
        tenantChanged.merge(tenant.get(), revision, Math::max);
    }

    private void drain() {
        if (wip.getAndIncrement() == 0) {
            run();
        }
    }

    private void run() {
        for (;;) {
            if (closed) {
                return;
            }
            if (head < 0 || pollWanted || wanted.get() > head) {
                pollWanted = false;
                readOnce().subscribe().with(ignored -> run(), failure -> {
                    LOG.warnf("feed %s: reading revisions failed, the next signal or poll retries: %s",
                            name, failure.toString());
                    wip.set(0);
                });
                return;
            }
            if (wip.decrementAndGet() == 0) {
                return;
            }
        }
    }

    private Uni<Void> readOnce() {
        if (head < 0) {
            return platform(connection -> entries.state(connection)).invoke(state -> {
                head = state.head();
                freshnessFloor = state.head();
            }).replaceWithVoid();
        }
        long from = head;
        return platform(connection -> entries.revisionsAfter(connection, from, Entries.RevisionFilter.everything(),
                batchSize)).invoke(page -> {
                    List<ConfigRevision> read = page.revisions();
                    boolean full = read.size() == batchSize;
                    long last = read.isEmpty() ? from : read.get(read.size() - 1).revision();
                    long to = full ? last : Math.max(page.state().head(), last);
                    // Below the compacted mark revisions may be missing: a watcher further
                    // behind must read for itself, and so learns that it has to reload.
                    long start = Math.max(from, Math.min(page.state().compacted(), to));
                    List<ConfigRevision> handedOut = read.stream().filter(r -> r.revision() > start).toList();
                    handedOut.forEach(r -> noteChange(r.revision(), r.key().scope()));
                    if (to > from) {
                        RevisionBatch batch = new RevisionBatch(start, to, handedOut);
                        sessions.forEach(session -> session.offer(batch));
                        head = to;
                    }
                    if (full) {
                        pollWanted = true;
                    }
                }).replaceWithVoid();
    }

    private <T> Uni<T> platform(java.util.function.Function<io.vertx.mutiny.sqlclient.SqlConnection, Uni<T>> read) {
        return TenantTransactions.inTenant(pool, TenantScope.platform(), connection -> read.apply(connection)
                .map(Result::ok)).map(Result::value);
    }
}
