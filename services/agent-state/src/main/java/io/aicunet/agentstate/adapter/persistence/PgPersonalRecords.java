package io.aicunet.agentstate.adapter.persistence;

import io.aicunet.agentstate.application.port.PersonalRecords;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Privacy requests' view of the tables. Records are whole rows as PostgreSQL renders
 * them as JSON ({@code to_jsonb}), so a column added later is exported without a
 * change here. Pages follow a text cursor per kind, compared in the C collation.
 */
@ApplicationScoped
public class PgPersonalRecords implements PersonalRecords {

    /** $1 tenant, $2 subject or null, $3 cursor, $4 limit; selects cursor and record. */
    private static final String AGENTS = """
            SELECT agent_id::text AS cursor, to_jsonb(a)::text AS record FROM agents a
             WHERE tenant_id = $1 AND ($2::text IS NULL OR created_by = $2)
               AND agent_id::text COLLATE "C" > $3
             ORDER BY agent_id::text COLLATE "C"
             LIMIT $4""";

    private static final String THREADS = """
            SELECT thread_id::text AS cursor, to_jsonb(t)::text AS record FROM threads t
             WHERE tenant_id = $1
               AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM checkpoints c
                                                 WHERE c.thread_id = t.thread_id AND c.created_by = $2))
               AND thread_id::text COLLATE "C" > $3
             ORDER BY thread_id::text COLLATE "C"
             LIMIT $4""";

    /**
     * The page's ids first, then each row: a whole row selected beside the sort would be
     * detoasted for every checkpoint of the tenant, at every page (its state, up to 1 MiB,
     * read and sorted on disk: an export of N checkpoints read N^2/page states).
     */
    private static final String CHECKPOINTS = """
            SELECT k.cursor, (SELECT to_jsonb(c)::text FROM checkpoints c
                               WHERE c.checkpoint_id = k.checkpoint_id AND c.tenant_id = $1) AS record
              FROM (SELECT checkpoint_id, checkpoint_id::text AS cursor FROM checkpoints
                     WHERE tenant_id = $1 AND ($2::text IS NULL OR created_by = $2)
                       AND checkpoint_id::text COLLATE "C" > $3
                     ORDER BY checkpoint_id::text COLLATE "C"
                     LIMIT $4) k
             ORDER BY k.cursor COLLATE "C\"""";

    private static final String RETENTION_POLICIES = """
            SELECT tenant_id::text AS cursor, to_jsonb(p)::text AS record FROM retention_policies p
             WHERE tenant_id = $1 AND $2::text IS NULL
               AND tenant_id::text COLLATE "C" > $3
             ORDER BY tenant_id::text COLLATE "C"
             LIMIT $4""";

    private static final String IDEMPOTENCY_KEYS = """
            SELECT subject || chr(31) || idempotency_key AS cursor, to_jsonb(k)::text AS record
              FROM idempotency_keys k
             WHERE tenant_id = $1 AND ($2::text IS NULL OR subject = $2)
               AND (subject || chr(31) || idempotency_key) COLLATE "C" > $3
             ORDER BY (subject || chr(31) || idempotency_key) COLLATE "C"
             LIMIT $4""";

    @Override
    public Uni<Page> page(SqlConnection connection, Kind kind, TenantId tenant, Optional<String> subject,
                          String after, int limit) {
        String sql = switch (kind) {
            case AGENTS -> AGENTS;
            case THREADS -> THREADS;
            case CHECKPOINTS -> CHECKPOINTS;
            case RETENTION_POLICIES -> RETENTION_POLICIES;
            case IDEMPOTENCY_KEYS -> IDEMPOTENCY_KEYS;
        };
        return connection.preparedQuery(sql)
                .execute(Tuple.of(tenant.value(), subject.orElse(null), after, limit))
                .map(rows -> {
                    List<JsonObject> records = new ArrayList<>(rows.size());
                    String last = null;
                    for (Row row : rows) {
                        records.add(new JsonObject(row.getString("record")));
                        last = row.getString("cursor");
                    }
                    return new Page(records, rows.size() < limit ? Optional.empty() : Optional.ofNullable(last));
                });
    }

    @Override
    public Uni<List<ThreadId>> lockThreadsWithLatestBy(SqlConnection connection, TenantId tenant, String subject,
                                                       int limit) {
        return connection.preparedQuery("""
                        SELECT t.thread_id FROM threads t JOIN checkpoints c ON c.checkpoint_id = t.latest_checkpoint_id
                         WHERE t.tenant_id = $1 AND c.created_by = $2
                         LIMIT $3
                           FOR UPDATE OF t""")
                .execute(Tuple.of(tenant.value(), subject, limit))
                .map(rows -> {
                    List<ThreadId> threads = new ArrayList<>(rows.size());
                    rows.forEach(row -> threads.add(new ThreadId(row.getUUID("thread_id"))));
                    return threads;
                });
    }

    @Override
    public Uni<Integer> deleteCheckpointsBy(SqlConnection connection, TenantId tenant, String subject, int limit) {
        return connection.preparedQuery("""
                        DELETE FROM checkpoints WHERE checkpoint_id IN
                            (SELECT c.checkpoint_id FROM checkpoints c JOIN threads t ON t.thread_id = c.thread_id
                              WHERE c.tenant_id = $1 AND c.created_by = $2
                                AND c.checkpoint_id <> t.latest_checkpoint_id
                              LIMIT $3)""")
                .execute(Tuple.of(tenant.value(), subject, limit))
                .map(RowSet::rowCount);
    }

    @Override
    public Uni<Integer> anonymiseAgentsBy(SqlConnection connection, TenantId tenant, String subject, int limit) {
        return connection.preparedQuery("""
                        UPDATE agents SET created_by = NULL, labels = '{}'::jsonb WHERE agent_id IN
                            (SELECT agent_id FROM agents WHERE tenant_id = $1 AND created_by = $2 LIMIT $3)""")
                .execute(Tuple.of(tenant.value(), subject, limit))
                .map(RowSet::rowCount);
    }

    @Override
    public Uni<Integer> deleteIdempotencyKeysOf(SqlConnection connection, TenantId tenant, String subject,
                                                int limit) {
        return connection.preparedQuery("""
                        DELETE FROM idempotency_keys WHERE (tenant_id, subject, idempotency_key) IN
                            (SELECT tenant_id, subject, idempotency_key FROM idempotency_keys
                              WHERE tenant_id = $1 AND subject = $2 LIMIT $3)""")
                .execute(Tuple.of(tenant.value(), subject, limit))
                .map(RowSet::rowCount);
    }
}
