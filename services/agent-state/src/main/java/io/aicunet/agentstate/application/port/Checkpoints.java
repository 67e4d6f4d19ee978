package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where threads and their checkpoints are kept. A thread row carries the version and
 * id of its latest checkpoint: saves compare-and-set it under a row lock. Every
 * method works in the caller's transaction.
 */
public interface Checkpoints {

    /** What a thread row says about its latest checkpoint. */
    record ThreadHead(ThreadId threadId, TenantId tenant, AgentId agentId, long latestVersion,
                      CheckpointId latestCheckpointId) {
    }

    /** A thread that retention prunes: every checkpoint up to {@code pruneThroughVersion} goes. */
    record PruneTarget(ThreadId threadId, TenantId tenant, long pruneThroughVersion) {
    }

    /** A thread that retention deletes whole. */
    record ExpiredThread(ThreadId threadId, TenantId tenant) {
    }

    Uni<Optional<ThreadHead>> findThread(SqlConnection connection, ThreadId id, LockMode lock);

    /**
     * These threads' heads, by id, their rows locked for update in id order: the one order in
     * which every group of checkpoint saves locks threads, so that two groups never wait for
     * each other in a cycle. Threads absent or not visible to the transaction's tenant are
     * missing and lock nothing.
     */
    Uni<Map<ThreadId, ThreadHead>> lockThreads(SqlConnection connection, List<ThreadId> ids);

    /** Starts a thread whose latest checkpoint is {@code head}'s; false when the thread id is taken. */
    Uni<Boolean> insertThread(SqlConnection connection, ThreadHead head, Optional<CheckpointId> forkedFrom,
                              Instant now);

    /** Moves a locked thread to its next version; fails when the thread was not at the version before (a bug). */
    Uni<Void> advanceThread(SqlConnection connection, ThreadId id, long newVersion, CheckpointId newCheckpoint,
                            Instant now);

    /**
     * The state as PostgreSQL's jsonb renders it (keys sorted, spacing normalised): what
     * reads return, so it is what gets encrypted and stored.
     */
    Uni<String> normalise(SqlConnection connection, String stateJson);

    /**
     * Stores a checkpoint, its state sealed, recording the subject that saved it, as its
     * thread's head: only when the thread's latest checkpoint is already this one (the thread
     * was started or advanced to it in this transaction). False when it is not: nothing stored.
     */
    Uni<Boolean> insert(SqlConnection connection, StoredCheckpoint checkpoint, String createdBy);

    /**
     * Stores the first checkpoint of a forked thread, copying the sealed state and the
     * metadata from {@code source} inside the database; returns it.
     */
    Uni<StoredCheckpoint> insertCopy(SqlConnection connection, CheckpointId id, ThreadId thread, CheckpointId source,
                                     Instant now, String createdBy);

    Uni<Optional<StoredCheckpoint>> find(SqlConnection connection, CheckpointId id);

    /** The latest checkpoint of the agent's thread, if both exist and belong together. */
    Uni<Optional<StoredCheckpoint>> findLatest(SqlConnection connection, AgentId agent, ThreadId thread);

    /** Up to {@code limit} checkpoints of a thread below {@code beforeVersion} (all when empty), newest first. */
    Uni<List<CheckpointSummary>> listSummaries(SqlConnection connection, ThreadId thread, OptionalLong beforeVersion,
                                               int limit);

    /**
     * Threads holding checkpoints older than their tenant's keep-last (or
     * {@code keepLastDefault}), locked for update, skipping locked ones. Platform scope.
     */
    Uni<List<PruneTarget>> lockPruneTargets(SqlConnection connection, int keepLastDefault, int limit);

    /** Deletes the oldest up-to-{@code limit} checkpoints of a thread up to a version; the number deleted. */
    Uni<Integer> prune(SqlConnection connection, ThreadId thread, long throughVersion, int limit);

    /** Threads idle longer than their tenant's TTL (or the default; 0 = never), locked, skipping locked ones. */
    Uni<List<ExpiredThread>> lockExpiredThreads(SqlConnection connection, Instant now, long idleTtlSecondsDefault,
                                                int limit);

    /** Deletes whole threads with their checkpoints; the number of threads deleted. */
    Uni<Integer> deleteThreads(SqlConnection connection, List<ThreadId> threads);

    /** Deletes up to {@code limit} of a tenant's checkpoints that are not their thread's latest. */
    Uni<Integer> deleteOlderOfTenant(SqlConnection connection, TenantId tenant, int limit);

    /** Up to {@code limit} of a tenant's threads, locked, for erasure. */
    Uni<List<ThreadId>> lockThreadsOfTenant(SqlConnection connection, TenantId tenant, int limit);

    /**
     * Up to {@code limit} of the tenant's threads whose latest checkpoint was saved
     * before {@code cutoff}, locked for update, skipping locked ones (retention).
     */
    Uni<List<ThreadId>> lockThreadsIdleSince(SqlConnection connection, TenantId tenant, Instant cutoff, int limit);

    /**
     * Deletes up to {@code limit} of the tenant's checkpoints saved before {@code cutoff}
     * that are not their thread's latest, skipping threads another transaction holds; the
     * number deleted (retention).
     */
    Uni<Integer> deleteHistoryOlderThan(SqlConnection connection, TenantId tenant, Instant cutoff, int limit);
}
