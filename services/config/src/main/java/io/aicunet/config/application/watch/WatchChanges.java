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
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Streams every change after a revision that reaches the requested tenant and service,
 * in revision order, without gaps or repeats, and then every later change as it
 * commits (see {@link WatchSession}). A revision already compacted away stops the
 * stream with FAILED_PRECONDITION {@value #REVISION_COMPACTED}: the client reloads.
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

    public WatchChanges(ConfigAccess access, Entries entries, SecretAccess secrets, ChangeFeeds feeds,
                        ConfigServiceConfig settings) {
        this.access = access;
        this.entries = entries;
        this.secrets = secrets;
        this.feeds = feeds;
        this.settings = settings;
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
                    emitter.onTermination(() -> {
                        session.close();
                        feed.unregister(session);
                    });
                    // Registered before the first read: a batch the feed hands out meanwhile
                    // waits in the inbox and is applied (or dropped as seen) after the read.
                    feed.register(session);
                    session.start();
                }));
    }

    private Uni<Entries.RevisionPage> read(Caller caller, long after, Entries.RevisionFilter filter) {
        return access.inScope(caller, connection -> entries
                        .revisionsAfter(connection, after, filter, settings.watch().batchSize())
                        .map(Result::ok))
                .map(Result::value);
    }
}
