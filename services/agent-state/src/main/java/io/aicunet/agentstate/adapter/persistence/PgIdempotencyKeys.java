package io.aicunet.agentstate.adapter.persistence;

import io.aicunet.agentstate.application.port.IdempotencyKeys;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Idempotency keys in PostgreSQL, under row-level security. */
@ApplicationScoped
public class PgIdempotencyKeys implements IdempotencyKeys {

    @Override
    public Uni<Optional<Used>> find(SqlConnection connection, TenantId tenant, String subject, String key) {
        return connection.preparedQuery("""
                        SELECT request_sha256, result_id FROM idempotency_keys
                         WHERE tenant_id = $1 AND subject = $2 AND idempotency_key = $3""")
                .execute(Tuple.of(tenant.value(), subject, key))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    UUID result = row.getUUID("result_id");
                    return Optional.of(new Used(row.getBuffer("request_sha256").getBytes(), result));
                });
    }

    @Override
    public Uni<Boolean> claim(SqlConnection connection, TenantId tenant, String subject, String key,
                              byte[] requestDigest, UUID resultId) {
        return connection.preparedQuery("""
                        INSERT INTO idempotency_keys (tenant_id, subject, idempotency_key, request_sha256, result_id)
                        VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (tenant_id, subject, idempotency_key) DO NOTHING""")
                .execute(Tuple.tuple()
                        .addUUID(tenant.value())
                        .addString(subject)
                        .addString(key)
                        .addBuffer(Buffer.buffer(requestDigest))
                        .addUUID(resultId))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Integer> deleteOlderThan(SqlConnection connection, Instant before, int limit) {
        return connection.preparedQuery("""
                        DELETE FROM idempotency_keys WHERE ctid IN
                            (SELECT ctid FROM idempotency_keys WHERE created_at < $1 LIMIT $2)""")
                .execute(Tuple.of(SqlTimes.of(before), limit))
                .map(RowSet::rowCount);
    }

    @Override
    public Uni<Integer> deleteOfTenant(SqlConnection connection, TenantId tenant, int limit) {
        return connection.preparedQuery("""
                        DELETE FROM idempotency_keys WHERE ctid IN
                            (SELECT ctid FROM idempotency_keys WHERE tenant_id = $1 LIMIT $2)""")
                .execute(Tuple.of(tenant.value(), limit))
                .map(RowSet::rowCount);
    }
}
