package io.aicunet.config.adapter.persistence;

import io.aicunet.config.application.port.Entries;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Entries, revisions and the revision counter in PostgreSQL, through the Vert.x
 * reactive client, under row-level security. Reads that must agree with the head
 * revision read it in the same statement, so both come from one snapshot.
 */
@ApplicationScoped
public class PgEntries implements Entries {

    private static final String REVISION_COLUMNS = ConfigRows.revisionColumns("r", "");

    /** The filter of {@link RevisionFilter} in SQL, on alias r; parameters $2..$5. */
    private static final String FILTER = """
            (r.tenant_id IS NULL OR $2 OR r.tenant_id = $3)
            AND (r.service IS NULL OR $4::text IS NULL OR r.service = $4)
            AND (cardinality($5::text[]) = 0 OR r.namespace = ANY($5::text[]))""";

    @Override
    public Uni<Optional<Entry>> find(SqlConnection connection, EntryKey key, boolean lock) {
        return connection.preparedQuery("SELECT " + ConfigRows.ENTRY_COLUMNS + " FROM entries"
                        + " WHERE namespace = $1 AND entry_key = $2 AND scope_id = $3" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(key.namespace(), key.key(), key.scope().id()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(ConfigRows.entry(rows.iterator().next())));
    }

    @Override
    public Uni<Long> lockRevisions(SqlConnection connection) {
        return connection.query("SELECT revision FROM revision_counter WHERE id = 1 FOR UPDATE")
                .execute()
                .map(rows -> {
                    if (rows.size() != 1) {
                        throw new IllegalStateException("the revision counter row is missing");
                    }
                    return rows.iterator().next().getLong("revision");
                });
    }

    @Override
    public Uni<Void> advanceRevisions(SqlConnection connection, long fromHead, long toHead) {
        if (toHead <= fromHead) {
            throw new IllegalArgumentException("the head moves forward, not from " + fromHead + " to " + toHead);
        }
        return connection.preparedQuery("UPDATE revision_counter SET revision = $2 WHERE id = 1 AND revision = $1")
                .execute(Tuple.of(fromHead, toHead))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("the revision counter is no longer at " + fromHead
                                + ", though this transaction holds its lock");
                    }
                    return null;
                });
    }

    @Override
    public Uni<Void> put(SqlConnection connection, ConfigRevision revision) {
        // One statement: one round trip while the writer holds the revision counter.
        Tuple tuple = ConfigRows.addKey(Tuple.tuple(), revision.key());           // $1..$6
        ConfigRows.addValue(tuple, revision.value());                               // $7..$10
        tuple.addInteger(revision.schemaVersion())                                  // $11
                .addLong(revision.revision())                                       // $12
                .addString(revision.author())                                       // $13
                .addOffsetDateTime(ConfigRows.utc(revision.createdAt()))            // $14
                .addString(revision.reason())                                       // $15
                .addLong(revision.rolledBackTo() == 0 ? null : revision.rolledBackTo()); // $16
        return connection.preparedQuery("""
                        WITH upserted AS (
                            INSERT INTO entries (namespace, entry_key, scope_id, scope_kind, tenant_id, service,
                                                 value, secret, sealed_value, sealing_key_id, schema_version,
                                                 revision, updated_by, updated_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10, $11, $12, $13, $14)
                            ON CONFLICT (namespace, entry_key, scope_id) DO UPDATE
                               SET value = EXCLUDED.value, secret = EXCLUDED.secret,
                                   sealed_value = EXCLUDED.sealed_value, sealing_key_id = EXCLUDED.sealing_key_id,
                                   schema_version = EXCLUDED.schema_version, revision = EXCLUDED.revision,
                                   updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
                            RETURNING 1)
                        INSERT INTO revisions (revision, namespace, entry_key, scope_id, scope_kind, tenant_id, service,
                                               operation, value, secret, sealed_value, sealing_key_id, schema_version,
                                               rolled_back_to, author, reason, created_at)
                        SELECT $12, $1, $2, $3, $4, $5, $6, 'put', $7::text::jsonb, $8, $9, $10, $11, $16, $13, $15, $14
                          FROM upserted""")
                .execute(tuple)
                .map(rows -> expectOne(rows, revision));
    }

    @Override
    public Uni<Void> delete(SqlConnection connection, ConfigRevision revision) {
        Tuple tuple = ConfigRows.addKey(Tuple.tuple(), revision.key())              // $1..$6
                .addLong(revision.revision())                                       // $7
                .addString(revision.author())                                       // $8
                .addString(revision.reason())                                       // $9
                .addOffsetDateTime(ConfigRows.utc(revision.createdAt()))            // $10
                .addLong(revision.rolledBackTo() == 0 ? null : revision.rolledBackTo()); // $11
        return connection.preparedQuery("""
                        WITH deleted AS (
                            DELETE FROM entries WHERE namespace = $1 AND entry_key = $2 AND scope_id = $3
                            RETURNING 1)
                        INSERT INTO revisions (revision, namespace, entry_key, scope_id, scope_kind, tenant_id, service,
                                               operation, value, secret, sealed_value, sealing_key_id, schema_version,
                                               rolled_back_to, author, reason, created_at)
                        SELECT $7, $1, $2, $3, $4, $5, $6, 'delete', NULL, false, NULL, NULL, 0, $11, $8, $9, $10
                          FROM deleted""")
                .execute(tuple)
                .map(rows -> expectOne(rows, revision));
    }

    @Override
    public Uni<Optional<ConfigRevision>> findRevision(SqlConnection connection, EntryKey key, long revision) {
        return connection.preparedQuery("SELECT " + REVISION_COLUMNS + " FROM revisions r"
                        + " WHERE r.revision = $1 AND r.namespace = $2 AND r.entry_key = $3 AND r.scope_id = $4")
                .execute(Tuple.of(revision, key.namespace(), key.key(), key.scope().id()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : ConfigRows.revision(rows.iterator().next(), ""));
    }

    @Override
    public Uni<Layers> layers(SqlConnection connection, Optional<TenantId> tenant, Optional<String> service,
                              List<String> namespaces, int limit) {
        List<String> scopeIds = new ArrayList<>();
        scopeIds.add(ConfigScope.global().id());
        service.ifPresent(s -> scopeIds.add(ConfigScope.service(s).id()));
        tenant.ifPresent(t -> scopeIds.add(ConfigScope.tenant(t).id()));
        if (tenant.isPresent() && service.isPresent()) {
            scopeIds.add(ConfigScope.tenantService(tenant.get(), service.get()).id());
        }
        return connection.preparedQuery("SELECT c.revision AS head, e.* FROM revision_counter c"
                        + " LEFT JOIN LATERAL (SELECT " + ConfigRows.ENTRY_COLUMNS + " FROM entries"
                        + "   WHERE scope_id = ANY($1::text[])"
                        + "     AND (cardinality($2::text[]) = 0 OR namespace = ANY($2::text[]))"
                        + "   ORDER BY namespace, entry_key, scope_id LIMIT $3) e ON true"
                        + " WHERE c.id = 1")
                .execute(Tuple.of(scopeIds.toArray(String[]::new), namespaces.toArray(String[]::new), limit))
                .map(rows -> {
                    List<Entry> entries = new ArrayList<>(rows.size());
                    long head = -1;
                    for (Row row : rows) {
                        head = row.getLong("head");
                        if (row.getString("namespace") != null) {
                            entries.add(ConfigRows.entry(row));
                        }
                    }
                    if (head < 0) {
                        throw new IllegalStateException("the revision counter row is missing");
                    }
                    return new Layers(entries, head);
                });
    }

    @Override
    public Uni<List<Entry>> inNamespace(SqlConnection connection, String namespace, int limit) {
        return connection.preparedQuery("SELECT " + ConfigRows.ENTRY_COLUMNS + " FROM entries WHERE namespace = $1"
                        + " ORDER BY entry_key, scope_id LIMIT $2")
                .execute(Tuple.of(namespace, limit))
                .map(rows -> {
                    List<Entry> entries = new ArrayList<>(rows.size());
                    rows.forEach(row -> entries.add(ConfigRows.entry(row)));
                    return entries;
                });
    }

    @Override
    public Uni<RevisionPage> revisionsAfter(SqlConnection connection, long afterRevision, RevisionFilter filter,
                                            int limit) {
        return connection.preparedQuery("SELECT c.revision AS head, c.compacted_revision AS compacted, m.*"
                        + " FROM revision_counter c"
                        + " LEFT JOIN LATERAL (SELECT " + REVISION_COLUMNS + " FROM revisions r"
                        + "   WHERE r.revision > $1 AND " + FILTER
                        + "   ORDER BY r.revision LIMIT $6) m ON true"
                        + " WHERE c.id = 1 ORDER BY m.revision")
                .execute(filterTuple(afterRevision, filter).addInteger(limit))
                .map(rows -> {
                    List<ConfigRevision> revisions = new ArrayList<>(rows.size());
                    RevisionState state = null;
                    for (Row row : rows) {
                        state = new RevisionState(row.getLong("head"), row.getLong("compacted"));
                        ConfigRows.revision(row, "").ifPresent(revisions::add);
                    }
                    if (state == null) {
                        throw new IllegalStateException("the revision counter row is missing");
                    }
                    return new RevisionPage(revisions, state);
                });
    }

    @Override
    public Uni<List<ConfigRevision>> revisionsBefore(SqlConnection connection, long beforeRevision,
                                                     RevisionFilter filter, Optional<String> key, int limit) {
        return connection.preparedQuery("SELECT " + REVISION_COLUMNS + " FROM revisions r"
                        + " WHERE r.revision < $1 AND " + FILTER + " AND ($6::text IS NULL OR r.entry_key = $6)"
                        + " ORDER BY r.revision DESC LIMIT $7")
                .execute(filterTuple(beforeRevision, filter).addString(key.orElse(null)).addInteger(limit))
                .map(PgEntries::revisions);
    }

    @Override
    public Uni<List<EntryChange>> changesBetween(SqlConnection connection, long fromRevision, long toRevision,
                                                 RevisionFilter filter, int limit) {
        return connection.preparedQuery("WITH changed AS ("
                        + "   SELECT DISTINCT r.namespace, r.entry_key, r.scope_id FROM revisions r"
                        + "    WHERE r.revision > $1 AND r.revision <= $6 AND " + FILTER
                        + "    ORDER BY r.namespace, r.entry_key, r.scope_id LIMIT $7)"
                        + " SELECT " + ConfigRows.revisionColumns("a", "a_") + ", "
                        + ConfigRows.revisionColumns("b", "b_") + " FROM changed ch"
                        + " JOIN LATERAL (SELECT * FROM revisions x WHERE x.namespace = ch.namespace"
                        + "   AND x.entry_key = ch.entry_key AND x.scope_id = ch.scope_id AND x.revision <= $6"
                        + "   ORDER BY x.revision DESC LIMIT 1) a ON true"
                        + " LEFT JOIN LATERAL (SELECT * FROM revisions x WHERE x.namespace = ch.namespace"
                        + "   AND x.entry_key = ch.entry_key AND x.scope_id = ch.scope_id AND x.revision <= $1"
                        + "   ORDER BY x.revision DESC LIMIT 1) b ON true"
                        + " ORDER BY a.namespace, a.entry_key, a.scope_id")
                .execute(filterTuple(fromRevision, filter).addLong(toRevision).addInteger(limit))
                .map(rows -> {
                    List<EntryChange> changes = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        ConfigRevision after = ConfigRows.revision(row, "a_").orElseThrow();
                        changes.add(new EntryChange(after.key(), ConfigRows.revision(row, "b_"), after));
                    }
                    return changes;
                });
    }

    @Override
    public Uni<RevisionState> state(SqlConnection connection) {
        return connection.query("SELECT revision, compacted_revision FROM revision_counter WHERE id = 1")
                .execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new RevisionState(row.getLong("revision"), row.getLong("compacted_revision"));
                });
    }

    @Override
    public Uni<Long> lastRevisionBefore(SqlConnection connection, Instant instant) {
        return connection.preparedQuery("SELECT revision FROM revisions WHERE created_at < $1"
                        + " ORDER BY created_at DESC, revision DESC LIMIT 1")
                .execute(Tuple.of(ConfigRows.utc(instant)))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("revision"));
    }

    @Override
    public Uni<Long> markCompacted(SqlConnection connection, long upToRevision) {
        return connection.preparedQuery("""
                        UPDATE revision_counter SET compacted_revision = greatest(compacted_revision, least($1, revision))
                         WHERE id = 1 RETURNING compacted_revision""")
                .execute(Tuple.of(upToRevision))
                .map(rows -> rows.iterator().next().getLong("compacted_revision"));
    }

    @Override
    public Uni<Long> deleteCompacted(SqlConnection connection, long upToRevision, int batchMax) {
        // First the revisions a later one (up to the mark) superseded; only when none is
        // left, deletes that ended an entry: deleting those first could leave an older
        // put looking like the entry's state at the mark.
        return connection.preparedQuery("""
                        DELETE FROM revisions WHERE revision IN (
                            SELECT r.revision FROM revisions r
                             WHERE r.revision <= $1
                               AND EXISTS (SELECT 1 FROM revisions n
                                            WHERE n.namespace = r.namespace AND n.entry_key = r.entry_key
                                              AND n.scope_id = r.scope_id AND n.revision > r.revision
                                              AND n.revision <= $1)
                             ORDER BY r.revision LIMIT $2)""")
                .execute(Tuple.of(upToRevision, batchMax))
                .flatMap(superseded -> superseded.rowCount() > 0
                        ? Uni.createFrom().item((long) superseded.rowCount())
                        : connection.preparedQuery("""
                                        DELETE FROM revisions WHERE revision IN (
                                            SELECT revision FROM revisions WHERE revision <= $1 AND operation = 'delete'
                                             ORDER BY revision LIMIT $2)""")
                                .execute(Tuple.of(upToRevision, batchMax))
                                .map(deletes -> (long) deletes.rowCount()));
    }

    /** Parameters $1 (a revision) and $2..$5 of {@link #FILTER}. */
    private static Tuple filterTuple(long revision, RevisionFilter filter) {
        return Tuple.tuple()
                .addLong(revision)
                .addBoolean(filter.allTenants())
                .addUUID(filter.tenant().map(TenantId::value).orElse(null))
                .addString(filter.service().orElse(null))
                .addArrayOfString(filter.namespaces().toArray(String[]::new));
    }

    private static List<ConfigRevision> revisions(RowSet<Row> rows) {
        List<ConfigRevision> revisions = new ArrayList<>(rows.size());
        rows.forEach(row -> ConfigRows.revision(row, "").ifPresent(revisions::add));
        return revisions;
    }

    private static Void expectOne(RowSet<Row> rows, ConfigRevision revision) {
        if (rows.rowCount() != 1) {
            throw new IllegalStateException("revision " + revision.revision() + " of " + revision.key()
                    + " wrote " + rows.rowCount() + " rows, not 1");
        }
        return null;
    }
}
