package io.aicunet.agentstate.adapter.persistence;

import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Threads and checkpoints in PostgreSQL, under row-level security. States are stored
 * sealed (text: the ciphertext of the state as jsonb renders it); this class never sees
 * a state in clear but when it normalises one for the writer.
 */
@ApplicationScoped
public class PgCheckpoints implements Checkpoints {

    private static final String SUMMARY_COLUMNS = """
            checkpoint_id, tenant_id, agent_id, thread_id, parent_id, version, state_bytes, metadata, created_at""";
    private static final String COLUMNS = SUMMARY_COLUMNS + ", state";

    @Override
    public Uni<Optional<ThreadHead>> findThread(SqlConnection connection, ThreadId id, LockMode lock) {
        return connection.preparedQuery("""
                        SELECT thread_id, tenant_id, agent_id, latest_version, latest_checkpoint_id
                          FROM threads WHERE thread_id = $1""" + lock.clause())
                .execute(Tuple.of(id.value()))
                .map(rows -> first(rows, PgCheckpoints::toHead));
    }

    @Override
    public Uni<Map<ThreadId, ThreadHead>> lockThreads(SqlConnection connection, List<ThreadId> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        UUID[] values = ids.stream().map(ThreadId::value).toArray(UUID[]::new);
        // ORDER BY under FOR UPDATE locks the rows in thread_id order. Joined with the
        // wanted ids, so each is an index lookup however many threads the tenant has.
        return connection.preparedQuery("""
                        SELECT threads.thread_id, threads.tenant_id, threads.agent_id, threads.latest_version,
                               threads.latest_checkpoint_id
                          FROM unnest($1::uuid[]) AS wanted (id)
                          JOIN threads ON threads.thread_id = wanted.id
                         ORDER BY threads.thread_id LIMIT $2 FOR UPDATE OF threads""")
                .execute(Tuple.of(values, values.length))
                .map(rows -> {
                    Map<ThreadId, ThreadHead> heads = new HashMap<>();
                    rows.forEach(row -> {
                        ThreadHead head = toHead(row);
                        heads.put(head.threadId(), head);
                    });
                    return heads;
                });
    }

    private static ThreadHead toHead(Row row) {
        return new ThreadHead(
                new ThreadId(row.getUUID("thread_id")),
                new TenantId(row.getUUID("tenant_id")),
                new AgentId(row.getUUID("agent_id")),
                row.getLong("latest_version"),
                new CheckpointId(row.getUUID("latest_checkpoint_id")));
    }

    @Override
    public Uni<Boolean> insertThread(SqlConnection connection, ThreadHead head, Optional<CheckpointId> forkedFrom,
                                     Instant now) {
        return connection.preparedQuery("""
                        INSERT INTO threads (thread_id, tenant_id, agent_id, latest_version, latest_checkpoint_id,
                                             forked_from_checkpoint_id, created_at, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                        ON CONFLICT (thread_id) DO NOTHING""")
                .execute(Tuple.tuple()
                        .addUUID(head.threadId().value())
                        .addUUID(head.tenant().value())
                        .addUUID(head.agentId().value())
                        .addLong(head.latestVersion())
                        .addUUID(head.latestCheckpointId().value())
                        .addUUID(forkedFrom.map(CheckpointId::value).orElse(null))
                        .addOffsetDateTime(SqlTimes.of(now)))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Void> advanceThread(SqlConnection connection, ThreadId id, long newVersion, CheckpointId newCheckpoint,
                                   Instant now) {
        return connection.preparedQuery("""
                        UPDATE threads SET latest_version = $2, latest_checkpoint_id = $3, updated_at = $4
                         WHERE thread_id = $1 AND latest_version = $2 - 1""")
                .execute(Tuple.of(id.value(), newVersion, newCheckpoint.value(), SqlTimes.of(now)))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("thread " + id + " was not at version " + (newVersion - 1)
                                + " although it was locked");
                    }
                    return null;
                });
    }

    @Override
    public Uni<String> normalise(SqlConnection connection, String stateJson) {
        return connection.preparedQuery("SELECT $1::text::jsonb::text AS state_text")
                .execute(Tuple.of(stateJson))
                .map(rows -> rows.iterator().next().getString("state_text"));
    }

    @Override
    public Uni<Boolean> insert(SqlConnection connection, StoredCheckpoint stored, String createdBy) {
        CheckpointSummary checkpoint = stored.summary();
        // Selected from its thread's row, so it is stored only as the thread's head.
        return connection.preparedQuery("""
                        INSERT INTO checkpoints (checkpoint_id, tenant_id, agent_id, thread_id, parent_id, version,
                                                 state_bytes, metadata, created_at, state, created_by)
                        SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6::bigint, $7::integer, $8::jsonb,
                               $9::timestamptz, $10::text, $11::text
                          FROM threads WHERE thread_id = $4::uuid AND latest_checkpoint_id = $1::uuid""")
                .execute(Tuple.tuple()
                        .addUUID(checkpoint.id().value())
                        .addUUID(checkpoint.tenant().value())
                        .addUUID(checkpoint.agentId().value())
                        .addUUID(checkpoint.threadId().value())
                        .addUUID(checkpoint.parentId().map(CheckpointId::value).orElse(null))
                        .addLong(checkpoint.version())
                        .addInteger(checkpoint.stateBytes())
                        .addJsonObject(new JsonObject(new HashMap<String, Object>(checkpoint.metadata())))
                        .addOffsetDateTime(SqlTimes.of(checkpoint.createdAt()))
                        .addString(stored.sealedState())
                        .addString(createdBy))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<StoredCheckpoint> insertCopy(SqlConnection connection, CheckpointId id, ThreadId thread,
                                            CheckpointId source, Instant now, String createdBy) {
        return connection.preparedQuery("""
                        INSERT INTO checkpoints (checkpoint_id, tenant_id, agent_id, thread_id, parent_id, version,
                                                 state_bytes, metadata, created_at, state, created_by)
                        SELECT $1, tenant_id, agent_id, $2, checkpoint_id, 1, state_bytes, metadata, $4, state, $5
                          FROM checkpoints WHERE checkpoint_id = $3
                        RETURNING\s""" + COLUMNS)
                .execute(Tuple.of(id.value(), thread.value(), source.value(), SqlTimes.of(now), createdBy))
                .map(rows -> first(rows, PgCheckpoints::toStored).orElseThrow(() -> new IllegalStateException(
                        "fork source " + source + " vanished although it was just read")));
    }

    @Override
    public Uni<Optional<StoredCheckpoint>> find(SqlConnection connection, CheckpointId id) {
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM checkpoints WHERE checkpoint_id = $1")
                .execute(Tuple.of(id.value()))
                .map(rows -> first(rows, PgCheckpoints::toStored));
    }

    @Override
    public Uni<Optional<StoredCheckpoint>> findLatest(SqlConnection connection, AgentId agent, ThreadId thread) {
        return connection.preparedQuery("SELECT " + prefixed("c") + """
                         FROM threads t JOIN checkpoints c ON c.checkpoint_id = t.latest_checkpoint_id
                        WHERE t.thread_id = $1 AND t.agent_id = $2""")
                .execute(Tuple.of(thread.value(), agent.value()))
                .map(rows -> first(rows, PgCheckpoints::toStored));
    }

    @Override
    public Uni<List<CheckpointSummary>> listSummaries(SqlConnection connection, ThreadId thread,
                                                      OptionalLong beforeVersion, int limit) {
        return connection.preparedQuery("SELECT " + SUMMARY_COLUMNS + """
                         FROM checkpoints
                        WHERE thread_id = $1 AND ($2::bigint IS NULL OR version < $2)
                        ORDER BY version DESC
                        LIMIT $3""")
                .execute(Tuple.of(thread.value(), beforeVersion.isPresent() ? beforeVersion.getAsLong() : null, limit))
                .map(rows -> {
                    List<CheckpointSummary> summaries = new ArrayList<>(rows.size());
                    rows.forEach(row -> summaries.add(toSummary(row)));
                    return summaries;
                });
    }

    @Override
    public Uni<List<PruneTarget>> lockPruneTargets(SqlConnection connection, int keepLastDefault, int limit) {
        return connection.preparedQuery("""
                        SELECT t.thread_id, t.tenant_id,
                               t.latest_version - coalesce(p.keep_last_checkpoints, $1) AS prune_through
                          FROM threads t LEFT JOIN retention_policies p ON p.tenant_id = t.tenant_id
                         WHERE EXISTS (SELECT 1 FROM checkpoints c
                                        WHERE c.thread_id = t.thread_id
                                          AND c.version <= t.latest_version - coalesce(p.keep_last_checkpoints, $1))
                         LIMIT $2
                           FOR UPDATE OF t SKIP LOCKED""")
                .execute(Tuple.of(keepLastDefault, limit))
                .map(rows -> {
                    List<PruneTarget> targets = new ArrayList<>(rows.size());
                    rows.forEach(row -> targets.add(new PruneTarget(new ThreadId(row.getUUID("thread_id")),
                            new TenantId(row.getUUID("tenant_id")), row.getLong("prune_through"))));
                    return targets;
                });
    }

    @Override
    public Uni<Integer> prune(SqlConnection connection, ThreadId thread, long throughVersion, int limit) {
        return connection.preparedQuery("""
                        DELETE FROM checkpoints WHERE checkpoint_id IN
                            (SELECT checkpoint_id FROM checkpoints
                              WHERE thread_id = $1 AND version <= $2
                              ORDER BY version
                              LIMIT $3)""")
                .execute(Tuple.of(thread.value(), throughVersion, limit))
                .map(RowSet::rowCount);
    }

    @Override
    public Uni<List<ExpiredThread>> lockExpiredThreads(SqlConnection connection, Instant now,
                                                       long idleTtlSecondsDefault, int limit) {
        return connection.preparedQuery("""
                        SELECT t.thread_id, t.tenant_id
                          FROM threads t LEFT JOIN retention_policies p ON p.tenant_id = t.tenant_id
                         WHERE coalesce(p.idle_thread_ttl_seconds, $2) > 0
                           AND t.updated_at < $1::timestamptz - make_interval(secs => coalesce(p.idle_thread_ttl_seconds, $2))
                         LIMIT $3
                           FOR UPDATE OF t SKIP LOCKED""")
                .execute(Tuple.of(SqlTimes.of(now), idleTtlSecondsDefault, limit))
                .map(rows -> {
                    List<ExpiredThread> threads = new ArrayList<>(rows.size());
                    rows.forEach(row -> threads.add(new ExpiredThread(new ThreadId(row.getUUID("thread_id")),
                            new TenantId(row.getUUID("tenant_id")))));
                    return threads;
                });
    }

    @Override
    public Uni<Integer> deleteThreads(SqlConnection connection, List<ThreadId> threads) {
        if (threads.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return connection.preparedQuery("DELETE FROM threads WHERE thread_id = ANY($1)")
                .execute(Tuple.of(threads.stream().map(ThreadId::value).toArray(UUID[]::new)))
                .map(RowSet::rowCount);
    }

    @Override
    public Uni<Integer> deleteOlderOfTenant(SqlConnection connection, TenantId tenant, int limit) {
        return connection.preparedQuery("""
                        DELETE FROM checkpoints WHERE checkpoint_id IN
                            (SELECT c.checkpoint_id FROM checkpoints c JOIN threads t ON t.thread_id = c.thread_id
                              WHERE c.tenant_id = $1 AND c.checkpoint_id <> t.latest_checkpoint_id
                              LIMIT $2)""")
                .execute(Tuple.of(tenant.value(), limit))
                .map(RowSet::rowCount);
    }

    @Override
    public Uni<List<ThreadId>> lockThreadsOfTenant(SqlConnection connection, TenantId tenant, int limit) {
        return connection.preparedQuery("SELECT thread_id FROM threads WHERE tenant_id = $1 ORDER BY thread_id LIMIT $2 FOR UPDATE")
                .execute(Tuple.of(tenant.value(), limit))
                .map(rows -> {
                    List<ThreadId> threads = new ArrayList<>(rows.size());
                    rows.forEach(row -> threads.add(new ThreadId(row.getUUID("thread_id"))));
                    return threads;
                });
    }

    @Override
    public Uni<List<ThreadId>> lockThreadsIdleSince(SqlConnection connection, TenantId tenant, Instant cutoff,
                                                    int limit) {
        return connection.preparedQuery("""
                        SELECT thread_id FROM threads
                         WHERE tenant_id = $1 AND updated_at < $2
                         LIMIT $3
                           FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(tenant.value(), SqlTimes.of(cutoff), limit))
                .map(rows -> {
                    List<ThreadId> threads = new ArrayList<>(rows.size());
                    rows.forEach(row -> threads.add(new ThreadId(row.getUUID("thread_id"))));
                    return threads;
                });
    }

    @Override
    public Uni<Integer> deleteHistoryOlderThan(SqlConnection connection, TenantId tenant, Instant cutoff, int limit) {
        // Locking the threads keeps this off threads a save or another replica works on.
        return connection.preparedQuery("""
                        DELETE FROM checkpoints WHERE checkpoint_id IN
                            (SELECT c.checkpoint_id FROM checkpoints c JOIN threads t ON t.thread_id = c.thread_id
                              WHERE c.tenant_id = $1 AND c.created_at < $2
                                AND c.checkpoint_id <> t.latest_checkpoint_id
                              LIMIT $3
                                FOR UPDATE OF t SKIP LOCKED)""")
                .execute(Tuple.of(tenant.value(), SqlTimes.of(cutoff), limit))
                .map(RowSet::rowCount);
    }

    private static String prefixed(String alias) {
        return alias + ".checkpoint_id, " + alias + ".tenant_id, " + alias + ".agent_id, " + alias + ".thread_id, "
                + alias + ".parent_id, " + alias + ".version, " + alias + ".state_bytes, " + alias + ".metadata, "
                + alias + ".created_at, " + alias + ".state";
    }

    private static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> mapper) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(mapper.apply(rows.iterator().next()));
    }

    private static StoredCheckpoint toStored(Row row) {
        return new StoredCheckpoint(toSummary(row), row.getString("state"));
    }

    private static CheckpointSummary toSummary(Row row) {
        Map<String, String> metadata = new TreeMap<>();
        row.getJsonObject("metadata").forEach(entry -> metadata.put(entry.getKey(), String.valueOf(entry.getValue())));
        UUID parent = row.getUUID("parent_id");
        return new CheckpointSummary(
                new CheckpointId(row.getUUID("checkpoint_id")),
                new TenantId(row.getUUID("tenant_id")),
                new AgentId(row.getUUID("agent_id")),
                new ThreadId(row.getUUID("thread_id")),
                parent == null ? Optional.empty() : Optional.of(new CheckpointId(parent)),
                row.getLong("version"),
                row.getInteger("state_bytes"),
                metadata,
                SqlTimes.instant(row, "created_at"));
    }
}
