package io.aicunet.ledger.adapter.persistence;

import io.aicunet.ledger.application.port.LedgerTenants;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * The tenants' standing in PostgreSQL. An event older than the row's last change is
 * ignored, so a late redelivery never undoes a newer suspension or reactivation.
 */
@ApplicationScoped
public class PgLedgerTenants implements LedgerTenants {

    private static final String UPSERT = """
            INSERT INTO tenants (tenant_id, status, suspension_reason, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant_id) DO UPDATE
               SET status = excluded.status, suspension_reason = excluded.suspension_reason,
                   updated_at = excluded.updated_at
             WHERE tenants.updated_at <= excluded.updated_at""";

    @Override
    public Uni<Optional<Suspension>> suspension(SqlConnection connection, TenantId tenant) {
        return connection.preparedQuery("SELECT suspension_reason, updated_at FROM tenants"
                        + " WHERE tenant_id = $1 AND status = 'suspended' LIMIT 1")
                .execute(Tuple.of(tenant.value()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new Suspension(row.getString("suspension_reason"),
                            row.getOffsetDateTime("updated_at").toInstant()));
                });
    }

    @Override
    public Uni<Void> markActive(SqlConnection connection, TenantId tenant, Instant at) {
        return connection.preparedQuery(UPSERT)
                .execute(Tuple.of(tenant.value(), "active", null, LedgerRows.utc(at)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> markSuspended(SqlConnection connection, TenantId tenant, String reason, Instant at) {
        return connection.preparedQuery(UPSERT)
                .execute(Tuple.of(tenant.value(), "suspended", reason, LedgerRows.utc(at)))
                .replaceWithVoid();
    }
}
