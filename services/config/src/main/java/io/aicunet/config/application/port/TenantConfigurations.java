package io.aicunet.config.application.port;

import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.Entry;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One tenant's configuration as privacy requests and retention see it: its entries and
 * revisions (tenant and tenant_service scopes only, never the platform-level rows a
 * tenant's session can also read). Every method works in the caller's transaction,
 * which is scoped to the tenant.
 */
public interface TenantConfigurations {

    /**
     * The tenant's current entries after {@code after} (namespace, key, scope id; empty
     * for the first page), in that order, at most {@code limit}; only those last written
     * by {@code updatedBy} when it is given.
     */
    Uni<List<Entry>> entries(SqlConnection connection, TenantId tenant, Optional<String> updatedBy,
                             Optional<EntryCursor> after, int limit);

    /**
     * The tenant's revisions after {@code afterRevision}, oldest first, at most
     * {@code limit}; only those written by {@code author} when it is given.
     */
    Uni<List<ConfigRevision>> revisions(SqlConnection connection, TenantId tenant, Optional<String> author,
                                        long afterRevision, int limit);

    /**
     * Deletes at most {@code limit} of the tenant's revisions, except the delete
     * revisions written by {@code erasureAuthor} (they tell watchers of an erasure).
     */
    Uni<Deleted> deleteHistory(SqlConnection connection, TenantId tenant, String erasureAuthor, int limit);

    /**
     * Deletes at most {@code limit} of the tenant's current entries, each with a delete
     * revision by {@code author}; the revisions are numbered from the counter in one
     * step. The counter is locked before any entry, as every write locks it
     * ({@link Entries#lockRevisions}), and stays locked until commit. Returns them.
     */
    Uni<List<ConfigRevision>> deleteEntries(SqlConnection connection, TenantId tenant, String author, String reason,
                                            Instant at, int limit);

    /** The newest revision of the tenant created before the instant, or 0. */
    Uni<Long> newestRevisionBefore(SqlConnection connection, TenantId tenant, Instant instant);

    /**
     * Whether {@link #deleteSuperseded} with the same {@code upToRevision} would delete
     * anything.
     */
    Uni<Boolean> hasSuperseded(SqlConnection connection, TenantId tenant, long upToRevision);

    /**
     * The compaction rule ({@link Entries#deleteCompacted}) for one tenant: deletes at
     * most {@code batchMax} of its revisions up to {@code upToRevision} that a later one
     * up to it superseded; when none is left, the deletes among them. Never an entry's
     * last revision (its current value). Returns how many went.
     */
    Uni<Long> deleteSuperseded(SqlConnection connection, TenantId tenant, long upToRevision, int batchMax);

    /**
     * Takes the transaction-scoped advisory lock of {@code job} on the tenant without
     * waiting: false when another replica holds it (and does the work).
     */
    Uni<Boolean> tryLock(SqlConnection connection, TenantId tenant, String job);

    /** Tenants with at least one revision, after {@code after} in id order, at most {@code limit}. */
    Uni<List<TenantId>> tenantsWithHistory(SqlConnection connection, Optional<TenantId> after, int limit);

    /** Where an entry page ended. */
    record EntryCursor(String namespace, String key, String scopeId) {
    }

    /** How many revisions went, and the newest of them (0 when none). */
    record Deleted(long count, long newestRevision) {
    }
}
