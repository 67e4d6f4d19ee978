package io.aicunet.agentstate.adapter.persistence;

import io.aicunet.agentstate.application.port.RetentionPolicies;
import io.aicunet.agentstate.domain.RetentionPolicy;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/** Retention policies in PostgreSQL, under row-level security. */
@ApplicationScoped
public class PgRetentionPolicies implements RetentionPolicies {

    @Override
    public Uni<Optional<RetentionPolicy>> find(SqlConnection connection, TenantId tenant) {
        return connection.preparedQuery("""
                        SELECT keep_last_checkpoints, idle_thread_ttl_seconds FROM retention_policies
                         WHERE tenant_id = $1""")
                .execute(Tuple.of(tenant.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new RetentionPolicy(tenant,
                        rows.iterator().next().getInteger("keep_last_checkpoints"),
                        rows.iterator().next().getLong("idle_thread_ttl_seconds"))));
    }

    @Override
    public Uni<Void> upsert(SqlConnection connection, RetentionPolicy policy, Instant now) {
        return connection.preparedQuery("""
                        INSERT INTO retention_policies (tenant_id, keep_last_checkpoints, idle_thread_ttl_seconds,
                                                        updated_at)
                        VALUES ($1, $2, $3, $4)
                        ON CONFLICT (tenant_id) DO UPDATE
                           SET keep_last_checkpoints = excluded.keep_last_checkpoints,
                               idle_thread_ttl_seconds = excluded.idle_thread_ttl_seconds,
                               updated_at = excluded.updated_at""")
                .execute(Tuple.of(policy.tenant().value(), policy.keepLastCheckpoints(),
                        policy.idleThreadTtlSeconds(), SqlTimes.of(now)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Integer> deleteOfTenant(SqlConnection connection, TenantId tenant) {
        return connection.preparedQuery("DELETE FROM retention_policies WHERE tenant_id = $1")
                .execute(Tuple.of(tenant.value()))
                .map(RowSet::rowCount);
    }
}
