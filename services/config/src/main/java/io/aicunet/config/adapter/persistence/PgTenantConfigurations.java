package io.aicunet.config.adapter.persistence;

import io.aicunet.config.application.port.TenantConfigurations;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.Entry;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One tenant's entries and revisions in PostgreSQL. Every statement names the tenant
 * explicitly: row-level security alone would also show the platform-level rows.
 */
@ApplicationScoped
public class PgTenantConfigurations implements TenantConfigurations {

    private static final String REVISION_COLUMNS = ConfigRows.revisionColumns("r", "");

    /** The etcd rule of PgEntries.deleteCompacted, for one tenant ($1) up to $2. */
    private static final String SUPERSEDED = """
            SELECT r.revision FROM revisions r
             WHERE r.tenant_id = $1 AND r.revision <= $2
               AND EXISTS (SELECT 1 FROM revisions n
                            WHERE n.namespace = r.namespace AND n.entry_key = r.entry_key
                              AND n.scope_id = r.scope_id AND n.revision > r.revision AND n.revision <= $2)""";

    private static final String ENDED = """
            SELECT r.revision FROM revisions r
             WHERE r.tenant_id = $1 AND r.revision <= $2 AND r.operation = 'delete'""";

    @Override
    public Uni<List<Entry>> entries(SqlConnection connection, TenantId tenant, Optional<String> updatedBy,
                                    Optional<EntryCursor> after, int limit) {
        Tuple tuple = Tuple.tuple()
                .addUUID(tenant.value())
                .addString(updatedBy.orElse(null))
                .addString(after.map(EntryCursor::namespace).orElse(""))
                .addString(after.map(EntryCursor::key).orElse(""))
                .addString(after.map(EntryCursor::scopeId).orElse(""))
                .addInteger(limit);
        return connection.preparedQuery("SELECT " + ConfigRows.ENTRY_COLUMNS + " FROM entries"
                        + " WHERE tenant_id = $1 AND ($2::text IS NULL OR updated_by = $2)"
                        + "   AND (namespace, entry_key, scope_id) > ($3, $4, $5)"
                        + " ORDER BY namespace, entry_key, scope_id LIMIT $6")
                .execute(tuple)
                .map(rows -> {
                    List<Entry> entries = new ArrayList<>(rows.size());
                    rows.forEach(row -> entries.add(ConfigRows.entry(row)));
                    return entries;
                });
    }

    @Override
    public Uni<List<ConfigRevision>> revisions(SqlConnection connection, TenantId tenant, Optional<String> author,
                                               long afterRevision, int limit) {
        return connection.preparedQuery("SELECT " + REVISION_COLUMNS + " FROM revisions r"
                        + " WHERE r.tenant_id = $1 AND ($2::text IS NULL OR r.author = $2) AND r.revision > $3"
                        + " ORDER BY r.revision LIMIT $4")
                .execute(Tuple.of(tenant.value(), author.orElse(null), afterRevision, limit))
                .map(rows -> {
                    List<ConfigRevision> revisions = new ArrayList<>(rows.size());
                    rows.forEach(row -> ConfigRows.revision(row, "").ifPresent(revisions::add));
                    return revisions;
                });
    }

    @Override
    public Uni<Deleted> deleteHistory(SqlConnection connection, TenantId tenant, String erasureAuthor, int limit) {
        return connection.preparedQuery("""
                        WITH gone AS (
                            DELETE FROM revisions WHERE revision IN (
                                SELECT revision FROM revisions
                                 WHERE tenant_id = $1 AND NOT (operation = 'delete' AND author = $2)
                                 ORDER BY revision LIMIT $3)
                            RETURNING revision)
                        SELECT count(*) AS deleted, coalesce(max(revision), 0) AS newest FROM gone""")
                .execute(Tuple.of(tenant.value(), erasureAuthor, limit))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Deleted(row.getLong("deleted"), row.getLong("newest"));
                });
    }

    @Override
    public Uni<List<ConfigRevision>> deleteEntries(SqlConnection connection, TenantId tenant, String author,
                                                   String reason, Instant at, int limit) {
        // First the counter, as every entry write takes it (EntryWrites: the counter, then
        // the entries), so an erasure and a write of the tenant's entries never wait for
        // each other's locks in a circle. Then one statement: lock and number the entries,
        // take as many revisions from the counter, delete the entries and write their
        // delete revisions.
        return connection.query("SELECT revision FROM revision_counter WHERE id = 1 FOR UPDATE").execute()
                .flatMap(locked -> connection.preparedQuery("""
                        WITH doomed AS (
                            SELECT namespace, entry_key, scope_id, scope_kind, tenant_id, service FROM entries
                             WHERE tenant_id = $1
                             ORDER BY namespace, entry_key, scope_id LIMIT $2
                               FOR UPDATE),
                        numbered AS (
                            SELECT d.*, row_number() OVER (ORDER BY namespace, entry_key, scope_id) AS n,
                                   count(*) OVER () AS total
                              FROM doomed d),
                        counter AS (
                            UPDATE revision_counter SET revision = revision + (SELECT count(*) FROM doomed)
                             WHERE id = 1 AND EXISTS (SELECT 1 FROM doomed)
                            RETURNING revision),
                        gone AS (
                            DELETE FROM entries e USING numbered d
                             WHERE e.namespace = d.namespace AND e.entry_key = d.entry_key AND e.scope_id = d.scope_id
                            RETURNING 1)
                        INSERT INTO revisions AS r (revision, namespace, entry_key, scope_id, scope_kind, tenant_id,
                                                    service, operation, value, secret, sealed_value, sealing_key_id,
                                                    schema_version, rolled_back_to, author, reason, created_at)
                        SELECT c.revision - d.total + d.n, d.namespace, d.entry_key, d.scope_id, d.scope_kind,
                               d.tenant_id, d.service, 'delete', NULL, false, NULL, NULL, 0, NULL, $3, $4, $5
                          FROM numbered d CROSS JOIN counter c
                        RETURNING\s""" + REVISION_COLUMNS)
                .execute(Tuple.of(tenant.value(), limit, author, reason, ConfigRows.utc(at))))
                .map(rows -> {
                    List<ConfigRevision> revisions = new ArrayList<>(rows.size());
                    rows.forEach(row -> ConfigRows.revision(row, "").ifPresent(revisions::add));
                    revisions.sort(java.util.Comparator.comparingLong(ConfigRevision::revision));
                    return revisions;
                });
    }

    @Override
    public Uni<Long> newestRevisionBefore(SqlConnection connection, TenantId tenant, Instant instant) {
        return connection.preparedQuery("SELECT revision FROM revisions WHERE tenant_id = $1 AND created_at < $2"
                        + " ORDER BY revision DESC LIMIT 1")
                .execute(Tuple.of(tenant.value(), ConfigRows.utc(instant)))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("revision"));
    }

    @Override
    public Uni<Boolean> hasSuperseded(SqlConnection connection, TenantId tenant, long upToRevision) {
        return connection.preparedQuery("SELECT EXISTS (" + SUPERSEDED + ") OR EXISTS (" + ENDED + ") AS found")
                .execute(Tuple.of(tenant.value(), upToRevision))
                .map(rows -> rows.iterator().next().getBoolean("found"));
    }

    @Override
    public Uni<Long> deleteSuperseded(SqlConnection connection, TenantId tenant, long upToRevision, int batchMax) {
        // Superseded revisions first; deletes that ended an entry only when none is left
        // (deleting those first could leave an older put looking like the entry's state).
        return connection.preparedQuery("DELETE FROM revisions WHERE revision IN ("
                        + SUPERSEDED + " ORDER BY r.revision LIMIT $3)")
                .execute(Tuple.of(tenant.value(), upToRevision, batchMax))
                .flatMap(superseded -> superseded.rowCount() > 0
                        ? Uni.createFrom().item((long) superseded.rowCount())
                        : connection.preparedQuery("DELETE FROM revisions WHERE revision IN ("
                                        + ENDED + " ORDER BY r.revision LIMIT $3)")
                                .execute(Tuple.of(tenant.value(), upToRevision, batchMax))
                                .map(ended -> (long) ended.rowCount()));
    }

    @Override
    public Uni<Boolean> tryLock(SqlConnection connection, TenantId tenant, String job) {
        return connection.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2)) AS locked")
                .execute(Tuple.of("config:" + job, tenant.toString()))
                .map(rows -> rows.iterator().next().getBoolean("locked"));
    }

    @Override
    public Uni<List<TenantId>> tenantsWithHistory(SqlConnection connection, Optional<TenantId> after, int limit) {
        // A loose index scan over revisions_tenant: one probe per tenant, not per revision.
        return connection.preparedQuery("""
                        WITH RECURSIVE tenants AS (
                            (SELECT tenant_id FROM revisions
                              WHERE tenant_id IS NOT NULL AND tenant_id > $1 ORDER BY tenant_id LIMIT 1)
                            UNION ALL
                            SELECT (SELECT r.tenant_id FROM revisions r
                                     WHERE r.tenant_id IS NOT NULL AND r.tenant_id > t.tenant_id
                                     ORDER BY r.tenant_id LIMIT 1)
                              FROM tenants t WHERE t.tenant_id IS NOT NULL)
                        SELECT tenant_id FROM tenants WHERE tenant_id IS NOT NULL LIMIT $2""")
                .execute(Tuple.of(after.map(TenantId::value).orElse(new java.util.UUID(0, 0)), limit))
                .map(rows -> {
                    List<TenantId> tenants = new ArrayList<>(rows.size());
                    rows.forEach(row -> tenants.add(new TenantId(row.getUUID("tenant_id"))));
                    return tenants;
                });
    }
}
