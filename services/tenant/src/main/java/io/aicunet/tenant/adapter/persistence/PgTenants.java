package io.aicunet.tenant.adapter.persistence;

import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.application.port.Tenants;
import io.aicunet.platform.privacy.DataClass;
import io.aicunet.tenant.domain.Quotas;
import io.aicunet.tenant.domain.Retention;
import io.aicunet.tenant.domain.Tenant;
import io.aicunet.tenant.domain.TenantStatus;
import io.aicunet.tenant.domain.Tier;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Tenants in PostgreSQL, through the Vert.x reactive client, under row-level security. */
@ApplicationScoped
public class PgTenants implements Tenants {

    private static final String COLUMNS = """
            tenant_id, slug, display_name, region, tier, status, requests_per_minute, tokens_per_day,
            storage_bytes, retention_days, version, created_at, updated_at""";

    @Override
    public Uni<Optional<Tenant>> find(SqlConnection connection, TenantId id, boolean lock) {
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM tenants WHERE tenant_id = $1"
                        + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toTenant(rows.iterator().next())));
    }

    @Override
    public Uni<Boolean> insert(SqlConnection connection, Tenant tenant) {
        return connection.preparedQuery("INSERT INTO tenants (" + COLUMNS + ")"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                        + " ON CONFLICT (slug) DO NOTHING")
                .execute(Tuple.tuple()
                        .addUUID(tenant.id().value())
                        .addString(tenant.slug())
                        .addString(tenant.displayName())
                        .addString(tenant.region())
                        .addString(wire(tenant.tier()))
                        .addString(wire(tenant.status()))
                        .addLong(tenant.quotas().requestsPerMinute())
                        .addLong(tenant.quotas().tokensPerDay())
                        .addLong(tenant.quotas().storageBytes())
                        .addJsonObject(retentionJson(tenant.retention()))
                        .addLong(tenant.version())
                        .addOffsetDateTime(tenant.createdAt().atOffset(ZoneOffset.UTC))
                        .addOffsetDateTime(tenant.updatedAt().atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Void> update(SqlConnection connection, Tenant tenant) {
        return connection.preparedQuery("""
                        UPDATE tenants
                           SET display_name = $2, tier = $3, status = $4, requests_per_minute = $5,
                               tokens_per_day = $6, storage_bytes = $7, retention_days = $8, version = $9,
                               updated_at = $10
                         WHERE tenant_id = $1 AND version = $9 - 1""")
                .execute(Tuple.tuple()
                        .addUUID(tenant.id().value())
                        .addString(tenant.displayName())
                        .addString(wire(tenant.tier()))
                        .addString(wire(tenant.status()))
                        .addLong(tenant.quotas().requestsPerMinute())
                        .addLong(tenant.quotas().tokensPerDay())
                        .addLong(tenant.quotas().storageBytes())
                        .addJsonObject(retentionJson(tenant.retention()))
                        .addLong(tenant.version())
                        .addOffsetDateTime(tenant.updatedAt().atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("tenant " + tenant.id() + " was not at version "
                                + (tenant.version() - 1) + " although it was locked");
                    }
                    return null;
                });
    }

    @Override
    public Uni<List<Tenant>> list(SqlConnection connection, Optional<String> afterSlug,
                                  Optional<TenantStatus> status, int limit) {
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM tenants"
                        + " WHERE ($1::text IS NULL OR slug > $1) AND ($2::text IS NULL OR status = $2)"
                        + " ORDER BY slug LIMIT $3")
                .execute(Tuple.of(afterSlug.orElse(null), status.map(PgTenants::wire).orElse(null), limit))
                .map(rows -> {
                    List<Tenant> tenants = new ArrayList<>(rows.size());
                    rows.forEach(row -> tenants.add(toTenant(row)));
                    return tenants;
                });
    }

    @Override
    public Uni<Boolean> claimIdempotencyKey(SqlConnection connection, String subject, String key,
                                            byte[] requestDigest, TenantId tenant) {
        return connection.preparedQuery("""
                        INSERT INTO idempotency_keys (subject, idempotency_key, request_sha256, tenant_id)
                        VALUES ($1, $2, $3, $4)
                        ON CONFLICT (subject, idempotency_key) DO NOTHING""")
                .execute(Tuple.tuple()
                        .addString(subject)
                        .addString(key)
                        .addBuffer(Buffer.buffer(requestDigest))
                        .addUUID(tenant.value()))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Optional<IdempotencyRecord>> findIdempotencyKey(SqlConnection connection, String subject, String key) {
        return connection.preparedQuery("""
                        SELECT request_sha256, tenant_id FROM idempotency_keys
                         WHERE subject = $1 AND idempotency_key = $2""")
                .execute(Tuple.of(subject, key))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(toIdempotencyRecord(rows.iterator().next())));
    }

    @Override
    public Uni<Integer> deleteExpiredIdempotencyKeys(SqlConnection connection, int retentionDays, int limit) {
        return connection.preparedQuery("""
                        DELETE FROM idempotency_keys
                         WHERE ctid IN (SELECT ctid FROM idempotency_keys
                                         WHERE created_at < clock_timestamp() - make_interval(days => $1)
                                         LIMIT $2)""")
                .execute(Tuple.of(retentionDays, limit))
                .map(rows -> rows.rowCount());
    }

    private static IdempotencyRecord toIdempotencyRecord(Row row) {
        return new IdempotencyRecord(row.getBuffer("request_sha256").getBytes(),
                new TenantId(row.getUUID("tenant_id")));
    }

    private static Tenant toTenant(Row row) {
        return new Tenant(
                new TenantId(row.getUUID("tenant_id")),
                row.getString("slug"),
                row.getString("display_name"),
                row.getString("region"),
                Tier.valueOf(row.getString("tier").toUpperCase(Locale.ROOT)),
                TenantStatus.valueOf(row.getString("status").toUpperCase(Locale.ROOT)),
                new Quotas(row.getLong("requests_per_minute"), row.getLong("tokens_per_day"),
                        row.getLong("storage_bytes")),
                retention(row.getJsonObject("retention_days")),
                row.getLong("version"),
                instant(row, "created_at"),
                instant(row, "updated_at"));
    }

    private static Instant instant(Row row, String column) {
        return row.getOffsetDateTime(column).toInstant();
    }

    private static JsonObject retentionJson(Retention retention) {
        JsonObject json = new JsonObject();
        retention.days().forEach((dataClass, days) -> json.put(dataClass.wireName(), days));
        return json;
    }

    private static Retention retention(JsonObject json) {
        Map<DataClass, Integer> days = new EnumMap<>(DataClass.class);
        json.forEach(entry -> days.put(DataClass.fromWireName(entry.getKey()).orElseThrow(
                () -> new IllegalStateException("unknown data class " + entry.getKey() + " in the database")),
                ((Number) entry.getValue()).intValue()));
        return new Retention(days);
    }

    private static String wire(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
