package io.aicunet.config.application.watch;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigCommands.WatchQuery;
import io.aicunet.config.application.access.ConfigInputs;
import io.aicunet.config.application.access.ConfigViews.RevisionView;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.application.secrets.SecretAccess;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams every change after a revision that reaches the requested tenant and service,
 * in revision order, without gaps or repeats, and then every later change as it
 * commits (see {@link WatchSession}). A revision already compacted away stops the
 * stream with FAILED_PRECONDITION {@value #REVISION_COMPACTED}: the client reloads.
 * A tenant's streams are bounded across replicas ({@link WatchStreamBound}): one more
 * than {@value WatchStreamBound#LIMIT} is refused with RESOURCE_EXHAUSTED before it
 * reads anything. A stream that holds a tenant's slot ends normally after
 * {@code config.watch.stream-age-max} (the client resumes after its last revision, as the
 * Java client does on any end): with the unified HTTP server the service is not told when
 * a client cancels a server stream or its connection drops (quarkusio/quarkus#46986,
 * eclipse-vertx/vert.x#5562), so this is what gives a vanished client's slot back.
 */
@ApplicationScoped
public class WatchChanges {

    public static final String ACTION = ConfigAccess.READ_ENTRIES;
    public static final String REVISION_COMPACTED = "REVISION_COMPACTED";

    /** Matching changes in revision order; every matching change up to {@code revision} has been sent. */
    public record WatchBatch(List<RevisionView> changes, long revision) {
    }

    /** Ends a watch stream with an expected failure, mapped once at the edge. */
    public static final class WatchStopped extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final transient Problem problem;

        public WatchStopped(Problem problem) {
            super(problem.detail(), null, false, false);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    private final ConfigAccess access;
    private final Entries entries;
    private final SecretAccess secrets;
    private final ChangeFeeds feeds;
    private final ConfigServiceConfig settings;
    private final WatchStreamBound bound;

    public WatchChanges(ConfigAccess access, Entries entries, SecretAccess secrets, ChangeFeeds feeds,
                        ConfigServiceConfig settings, WatchStreamBound bound) {
        this.access = access;
        this.entries = entries;
        this.secrets = secrets;
        this.feeds = feeds;
        this.settings = settings;
        this.bound = bound;
    }

    public Multi<WatchBatch> execute(Caller caller, WatchQuery query) {
        return execute(caller, query, feeds.primary());
    }

    /** Watches through the given feed (a test plays a second replica with its own). */
    public Multi<WatchBatch> execute(Caller caller, WatchQuery query, ChangeFeed feed) {
        List<FieldViolation> violations = new ArrayList<>();
        if (query.afterRevision() < 0) {
            violations.add(new FieldViolation("after_revision", "must be 0 or more"));
        }
        Optional<TenantId> tenant = ConfigInputs.optionalTenant("tenant_id", query.tenantId(), violations);
        Optional<String> service = ConfigInputs.optionalService("service", query.service(), violations);
        List<String> namespaces = ConfigInputs.namespaces("namespaces", query.namespaces(),
                settings.namespacesPerRequestMax(), violations);
        if (query.allTenants() && tenant.isPresent()) {
            violations.add(new FieldViolation("all_tenants", "cannot be combined with tenant_id"));
        }
        if (!violations.isEmpty()) {
            return Multi.createFrom().failure(new WatchStopped(new Problem.InvalidArgument(violations)));
        }
        Entries.RevisionFilter filter = new Entries.RevisionFilter(tenant, query.allTenants(), service, namespaces);
        return access.pipeline()
                .admit(caller, ACTION, ConfigAccess.resourceOf(ConfigAccess.ENTRY, "", tenant))
                .flatMap(refusal -> refusal.isPresent()
                        ? Uni.createFrom().<SecretAccess.SecretReveal>failure(new WatchStopped(refusal.get()))
                        : secrets.decide(caller, true))
                .onItem().transformToMulti(reveal -> Multi.createFrom().<WatchBatch>emitter(emitter -> {
                    if (feed.sessionCount() >= settings.watch().sessionsMax()) {
                        emitter.fail(new WatchStopped(new Problem.Unavailable(
                                "this replica serves its maximum of watch streams; retry (another replica)")));
                        return;
                    }
                    WatchSession session = new WatchSession(query.afterRevision(),
                            after -> read(caller, after, filter), filter, reveal, emitter,
                            settings.watch().batchSize(), settings.watch().inboxBatchesMax());
                    AtomicReference<WatchStreamBound.Slot> held = new AtomicReference<>();
                    AtomicReference<Cancellable> ageLimit = new AtomicReference<>();
                    // However the stream ends (completed, failed, cancelled, at its age limit), its slot is given back.
                    emitter.onTermination(() -> {
                        session.close();
                        feed.unregister(session);
                        giveBack(held);
                        Cancellable timer = ageLimit.getAndSet(null);
                        if (timer != null) {
                            timer.cancel();
                        }
                    });
                    Optional<TenantId> counted = countedTenant(caller);
                    Uni<WatchStreamBound.Admission> admitted = counted.isEmpty()
                            ? Uni.createFrom().item(new WatchStreamBound.Admission.Admitted(null)) // holds no slot
                            : bound.take(counted.get());
                    admitted.subscribe().with(admission -> {
                        if (admission instanceof WatchStreamBound.Admission.Refused refused) {
                            emitter.fail(new WatchStopped(refused.problem()));
                            return;
                        }
                        held.set(((WatchStreamBound.Admission.Admitted) admission).slot());
                        // Registered before the first read: a batch the feed hands out meanwhile
                        // waits in the inbox and is applied (or dropped as seen) after the read.
                        feed.register(session);
                        if (emitter.isCancelled()) {
                            // Ended while the slot was being taken: the termination above ran before it was held.
                            session.close();
                            feed.unregister(session);
                            giveBack(held);
                            return;
                        }
                        if (held.get() != null) {
                            // The server may never learn that a client went away (see the class comment):
                            // a stream that holds a slot ends normally at its age limit, and the client resumes.
                            ageLimit.set(Uni.createFrom().voidItem().onItem().delayIt().by(settings.watch().streamAgeMax())
                                    .subscribe().with(ignored -> emitter.complete()));
                        }
                        session.start();
                    }, emitter::fail);
                }));
    }

    private void giveBack(AtomicReference<WatchStreamBound.Slot> held) {
        WatchStreamBound.Slot slot = held.getAndSet(null);
        if (slot != null) {
            bound.release(slot);
        }
    }

    /**
     * The tenant a stream counts against: the tenant the call acts for. Platform-scope
     * callers (operators, the fleet's services) count against no tenant; the replica's
     * {@code config.watch.sessions-max} bounds them.
     */
    private static Optional<TenantId> countedTenant(Caller caller) {
        return caller.scope() instanceof TenantScope.SingleTenant single
                ? Optional.of(single.tenant())
                : Optional.empty();
    }

    private Uni<Entries.RevisionPage> read(Caller caller, long after, Entries.RevisionFilter filter) {
        return access.inScope(caller, connection -> entries
                        .revisionsAfter(connection, after, filter, settings.watch().batchSize())
                        .map(Result::ok))
                .map(Result::value);
    }
}
