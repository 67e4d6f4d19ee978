package io.aicunet.tenant.adapter.persistence;

import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.application.port.WrappedDataKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Wrapped data keys in PostgreSQL (tenant_data_keys), under row-level security. */
@ApplicationScoped
public class PgWrappedDataKeys implements WrappedDataKeys {

    @Override
    public Uni<Void> insert(SqlConnection connection, TenantId tenant, WrappedDataKey key) {
        return connection.preparedQuery("""
                        INSERT INTO tenant_data_keys (tenant_id, key_id, wrapped_key, master_key_id)
                        VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING""")
                .execute(Tuple.tuple().addUUID(tenant.value()).addString(key.keyId())
                        .addBuffer(Buffer.buffer(key.wrapped().orElseThrow())).addString(key.masterKeyId()))
                .replaceWithVoid();
    }

    @Override
    public Uni<Optional<WrappedDataKey>> find(SqlConnection connection, TenantId tenant, String keyId) {
        return connection.preparedQuery("""
                        SELECT key_id, wrapped_key, master_key_id FROM tenant_data_keys
                         WHERE tenant_id = $1 AND ($2 = '' OR key_id = $2)
                         ORDER BY created_at DESC LIMIT 1""")
                .execute(Tuple.of(tenant.value(), keyId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toKey(rows.iterator().next())));
    }

    @Override
    public Uni<List<String>> destroyAll(SqlConnection connection, TenantId tenant) {
        return connection.preparedQuery("""
                        UPDATE tenant_data_keys SET wrapped_key = NULL, destroyed_at = clock_timestamp()
                         WHERE tenant_id = $1 AND destroyed_at IS NULL
                        RETURNING key_id""")
                .execute(Tuple.of(tenant.value()))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getString("key_id")));
                    return ids;
                });
    }

    private static WrappedDataKey toKey(Row row) {
        Buffer wrapped = row.getBuffer("wrapped_key");
        return new WrappedDataKey(row.getString("key_id"), Optional.ofNullable(wrapped).map(Buffer::getBytes),
                row.getString("master_key_id"));
    }
}
