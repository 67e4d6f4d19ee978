package io.aicunet.config.application.retention;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigCommands.CompactRevisionsCommand;
import io.aicunet.config.application.contract.ConfigEvents;
import io.aicunet.config.application.port.Entries;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Forgets revisions up to a revision (each entry keeps its last one, see
 * {@link Entries#deleteCompacted}). The mark moves first, in a short transaction of its
 * own; the rows then go in batches of their own transactions, so writers never wait
 * behind a long delete. Watches and diffs from before the mark must reload.
 */
@ApplicationScoped
public class CompactRevisions {

    public static final String ACTION = "config.revisions.compact";

    /** Revisions deleted per transaction. */
    static final int BATCH_MAX = 5_000;
    /** Batches one compaction runs; the rest waits for the next run. */
    static final int BATCHES_MAX = 1_000;

    /** Where the mark stands and how many revisions this call deleted. */
    public record Compacted(long compactedRevision, long revisionsDeleted) {
    }

    private final ConfigAccess access;
    private final Entries entries;
    private final Outbox outbox;
    private final Pool pool;

    public CompactRevisions(ConfigAccess access, Entries entries, Outbox outbox, Pool pool) {
        this.access = access;
        this.entries = entries;
        this.outbox = outbox;
        this.pool = pool;
    }

    public Uni<Result<Compacted>> execute(Caller caller, CompactRevisionsCommand command) {
        if (command.upToRevision() < 1) {
            return Uni.createFrom().item(Result.failed(Problem.InvalidArgument.of("up_to_revision",
                    "must be a revision (1 or more)")));
        }
        return access.authorized(caller, ACTION, ConfigAccess.resourceOf(ConfigAccess.REVISIONS, "",
                java.util.Optional.empty()), () -> compact(command.upToRevision(), caller.subject()));
    }

    /** Compacts as the service itself (the retention job); no policy check. */
    public Uni<Result<Compacted>> compact(long upToRevision, String author) {
        Caller system = Caller.system(author, TenantScope.platform());
        return TenantTransactions.inTenant(pool, system.scope(), connection -> entries.state(connection)
                        .flatMap(state -> {
                            if (upToRevision > state.head()) {
                                return Uni.createFrom().item(Result.<Long>failed(Problem.InvalidArgument.of(
                                        "up_to_revision", "is beyond the newest revision " + state.head())));
                            }
                            if (upToRevision <= state.compacted()) {
                                return Uni.createFrom().item(Result.ok(state.compacted()));
                            }
                            return entries.markCompacted(connection, upToRevision).flatMap(mark -> outbox.append(
                                    connection, outbox.event(ConfigEvents.TOPIC, ConfigEvents.PLATFORM_KEY,
                                            "revisions", ConfigEvents.revisionsCompacted(mark, author)))
                                    .replaceWith(Result.ok(mark)));
                        }))
                .flatMap(marked -> marked.isOk()
                        ? deleteBatches(marked.value(), 0, 0).map(deleted -> Result.ok(
                                new Compacted(marked.value(), deleted)))
                        : Uni.createFrom().item(Result.<Compacted>failed(marked.problem())));
    }

    /**
     * In the caller's transaction, moves the mark to at least {@code revision} and
     * announces it as a compaction does: for removals of a tenant's revisions (its
     * erasure, its retention), so watches and diffs from before them reload rather than
     * miss them.
     */
    public Uni<Void> markAtLeast(SqlConnection connection, long revision, String author) {
        if (revision <= 0) {
            return Uni.createFrom().voidItem();
        }
        return entries.state(connection).flatMap(state -> state.compacted() >= revision
                ? Uni.createFrom().voidItem()
                : entries.markCompacted(connection, revision).flatMap(mark -> outbox.append(connection,
                        outbox.event(ConfigEvents.TOPIC, ConfigEvents.PLATFORM_KEY, "revisions",
                                ConfigEvents.revisionsCompacted(mark, author)))).replaceWithVoid());
    }

    private Uni<Long> deleteBatches(long mark, long deletedSoFar, int batches) {
        if (batches >= BATCHES_MAX) {
            return Uni.createFrom().item(deletedSoFar);
        }
        return TenantTransactions.inTenant(pool, TenantScope.platform(),
                        connection -> entries.deleteCompacted(connection, mark, BATCH_MAX).map(Result::ok))
                .flatMap(deleted -> deleted.value() == 0
                        ? Uni.createFrom().item(deletedSoFar)
                        : deleteBatches(mark, deletedSoFar + deleted.value(), batches + 1));
    }
}
