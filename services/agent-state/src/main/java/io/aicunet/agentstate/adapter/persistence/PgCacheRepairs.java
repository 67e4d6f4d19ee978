package io.aicunet.agentstate.adapter.persistence;

import io.aicunet.agentstate.application.port.CacheRepairs;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Cache repairs in PostgreSQL, under row-level security. */
@ApplicationScoped
public class PgCacheRepairs implements CacheRepairs {

    @Override
    public Uni<Void> add(SqlConnection connection, TenantId tenant, ThreadId thread) {
        return connection.preparedQuery("""
                        INSERT INTO cache_repairs (tenant_id, thread_id) VALUES ($1, $2)
                        ON CONFLICT (tenant_id, thread_id) DO NOTHING""")
                .execute(Tuple.of(tenant.value(), thread.value()))
                .replaceWithVoid();
    }

    @Override
    public Uni<List<Repair>> lock(SqlConnection connection, int limit) {
        return connection.preparedQuery("""
                        SELECT tenant_id, thread_id FROM cache_repairs
                         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<Repair> repairs = new ArrayList<>(rows.size());
                    rows.forEach(row -> repairs.add(new Repair(new TenantId(row.getUUID("tenant_id")),
                            new ThreadId(row.getUUID("thread_id")))));
                    return repairs;
                });
    }

    @Override
    public Uni<Void> remove(SqlConnection connection, List<Repair> repairs) {
        if (repairs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("""
                        DELETE FROM cache_repairs r
                         USING unnest($1::uuid[], $2::uuid[]) AS done (tenant_id, thread_id)
                         WHERE r.tenant_id = done.tenant_id AND r.thread_id = done.thread_id""")
                .execute(Tuple.of(repairs.stream().map(r -> r.tenant().value()).toArray(UUID[]::new),
                        repairs.stream().map(r -> r.threadId().value()).toArray(UUID[]::new)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Boolean> anyWaiting(SqlConnection connection) {
        return connection.preparedQuery("SELECT EXISTS (SELECT 1 FROM cache_repairs) AS waiting")
                .execute()
                .map(rows -> rows.iterator().next().getBoolean("waiting"));
    }

    @Override
    public Uni<Integer> deleteOfTenant(SqlConnection connection, TenantId tenant, int limit) {
        return connection.preparedQuery("""
                        DELETE FROM cache_repairs WHERE ctid IN
                            (SELECT ctid FROM cache_repairs WHERE tenant_id = $1 LIMIT $2)""")
                .execute(Tuple.of(tenant.value(), limit))
                .map(RowSet::rowCount);
    }
}
