package io.aicunet.config.application.port;

import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.List;
import java.util.Optional;

/**
 * Current entries, their immutable revisions and the revision counter, under
 * row-level security. Every method works in the caller's transaction.
 */
public interface Entries {

    /** The current entry, locked for update when {@code lock} is set. */
    Uni<Optional<Entry>> find(SqlConnection connection, EntryKey key, boolean lock);

    /**
     * Locks the single revision counter row until this transaction ends and answers the
     * head revision: the writer then numbers its revisions head + 1, head + 2, ... and
     * moves the head with {@link #advanceRevisions} before it commits. Whoever holds the
     * lock is the only one writing revisions, so revision N+1 cannot commit before N.
     */
    Uni<Long> lockRevisions(SqlConnection connection);

    /**
     * Moves the head from {@code fromHead} (as {@link #lockRevisions} answered it, in this
     * transaction) to {@code toHead}, the last revision this transaction wrote.
     */
    Uni<Void> advanceRevisions(SqlConnection connection, long fromHead, long toHead);

    /** Writes the entry as the revision left it (insert or replace) and appends the revision. */
    Uni<Void> put(SqlConnection connection, ConfigRevision revision);

    /** Removes the entry and appends the (delete) revision. */
    Uni<Void> delete(SqlConnection connection, ConfigRevision revision);

    /** A revision of this entry; empty when it never existed, was compacted, or is not this entry's. */
    Uni<Optional<ConfigRevision>> findRevision(SqlConnection connection, EntryKey key, long revision);

    /**
     * The entries whose scope reaches (tenant, service), with the head revision, read
     * in one statement so both come from the same snapshot. At most {@code limit}.
     */
    Uni<Layers> layers(SqlConnection connection, Optional<TenantId> tenant, Optional<String> service,
                       List<String> namespaces, int limit);

    /** Every current entry of a namespace (platform scope), at most {@code limit}. */
    Uni<List<Entry>> inNamespace(SqlConnection connection, String namespace, int limit);

    /**
     * Revisions after {@code afterRevision} that the filter matches, oldest first, at most
     * {@code limit}, with the head and compacted revisions of the same snapshot.
     */
    Uni<RevisionPage> revisionsAfter(SqlConnection connection, long afterRevision, RevisionFilter filter, int limit);

    /** Revisions before {@code beforeRevision} (exclusive), newest first, at most {@code limit}. */
    Uni<List<ConfigRevision>> revisionsBefore(SqlConnection connection, long beforeRevision, RevisionFilter filter,
                                              Optional<String> key, int limit);

    /** For each entry changed in (from, to]: its last revision at or before {@code to} and at or before {@code from}. */
    Uni<List<EntryChange>> changesBetween(SqlConnection connection, long fromRevision, long toRevision,
                                          RevisionFilter filter, int limit);

    /** The head and compacted revisions. */
    Uni<RevisionState> state(SqlConnection connection);

    /** The newest revision created before the instant, or 0. */
    Uni<Long> lastRevisionBefore(SqlConnection connection, java.time.Instant instant);

    /**
     * Moves the compacted mark to {@code upToRevision} (never back, never past the head),
     * before any revision is deleted, so no reader mistakes a partly deleted range for a
     * complete one. Returns the mark.
     */
    Uni<Long> markCompacted(SqlConnection connection, long upToRevision);

    /**
     * Deletes at most {@code batchMax} revisions up to {@code upToRevision} that no reader
     * can need any more; returns how many went (0: done). Like etcd, it keeps each entry's
     * last revision up to the mark unless that was a delete, so the state at any revision
     * from the mark on, and every current value's revision, stay readable.
     */
    Uni<Long> deleteCompacted(SqlConnection connection, long upToRevision, int batchMax);

    /** The entries that reach a reader, and the revision they are consistent with. */
    record Layers(List<Entry> entries, long revision) {
    }

    record RevisionState(long head, long compacted) {
    }

    /** Revisions oldest first, with the state of the snapshot that read them. */
    record RevisionPage(List<ConfigRevision> revisions, RevisionState state) {
    }

    /** One changed entry: where it stood at the start and at the end of a range. */
    record EntryChange(EntryKey key, Optional<ConfigRevision> before, ConfigRevision after) {
    }

    /**
     * Which revisions a reader wants: those whose scope reaches {@code tenant} (or
     * every tenant when {@code allTenants}) and {@code service}, in {@code namespaces}
     * (all when empty).
     */
    record RevisionFilter(Optional<TenantId> tenant, boolean allTenants, Optional<String> service,
                          List<String> namespaces) {

        public static RevisionFilter everything() {
            return new RevisionFilter(Optional.empty(), true, Optional.empty(), List.of());
        }

        public boolean matches(ConfigRevision revision) {
            return revision.key().scope().reaches(tenant, allTenants, service)
                    && (namespaces.isEmpty() || namespaces.contains(revision.key().namespace()));
        }
    }
}
