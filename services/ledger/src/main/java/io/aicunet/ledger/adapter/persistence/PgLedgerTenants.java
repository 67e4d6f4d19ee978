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
 * The tenants' standing and token quota in PostgreSQL. An event older than the row's
 * last change is ignored, so a late redelivery never undoes a newer suspension or
 * reactivation, nor an older quota a newer one.
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

    /**
     * A tenant first heard of by its quota counts as active; its standing's time is the
     * earliest there is, so any suspension or reactivation event still applies.
     */
    private static final String APPLY_TOKEN_QUOTA = """
            INSERT INTO tenants (tenant_id, status, updated_at, tokens_per_day, quotas_version)
            VALUES ($1, 'active', '-infinity', $2, $3)
            ON CONFLICT (tenant_id) DO UPDATE
               SET tokens_per_day = excluded.tokens_per_day, quotas_version = excluded.quotas_version
             WHERE tenants.quotas_version IS NULL OR tenants.quotas_version <= excluded.quotas_version""";

    @Override
    public Uni<Optional<Long>> tokensPerDay(SqlConnection connection, TenantId tenant) {
        return connection.preparedQuery("SELECT tokens_per_day FROM tenants WHERE tenant_id = $1 LIMIT 1")
                .execute(Tuple.of(tenant.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.ofNullable(rows.iterator().next().getLong("tokens_per_day")));
    }

    @Override
    public Uni<Void> applyTokenQuota(SqlConnection connection, TenantId tenant, long tokensPerDay, long version) {
        return connection.preparedQuery(APPLY_TOKEN_QUOTA)
                .execute(Tuple.of(tenant.value(), tokensPerDay, version))
                .replaceWithVoid();
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
