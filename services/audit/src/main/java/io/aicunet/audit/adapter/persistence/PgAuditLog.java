package io.aicunet.audit.adapter.persistence;

import io.aicunet.audit.application.port.AuditLog;
import io.aicunet.audit.domain.LogHead;
import io.aicunet.audit.domain.RetentionPolicy;
import io.aicunet.audit.domain.StoredRecord;
import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The audit log in PostgreSQL, through the Vert.x reactive client, under row-level
 * security. A batch of records is one INSERT over arrays (unnest), one round trip
 * whatever its size.
 */
@ApplicationScoped
public class PgAuditLog implements AuditLog {

    private static final String RECORD_COLUMNS = """
            tenant_id, sequence, record_id, occurred_at, recorded_at, origin, actor, action, resource, outcome,
            reason, correlation_id, details, previous_hash, record_hash""";

    private static final String STORED_COLUMNS = RECORD_COLUMNS + ", sealed_details, details_redacted_at";

    private static final String HEAD_COLUMNS =
            "tenant_id, segment_size, tree_size, last_record_hash, first_retained_sequence";

    private static final String CHECKPOINT_COLUMNS = "tenant_id, tree_size, root_hash, issued_at, key_id, signature";

    @Override
    public Uni<LogHead> lockHead(SqlConnection connection, UUID tenantId, int segmentSize) {
        return selectHead(connection, tenantId, true).flatMap(found -> {
            if (found.isPresent()) {
                return Uni.createFrom().item(found.get());
            }
            LogHead empty = LogHead.empty(tenantId, segmentSize);
            return connection.preparedQuery("INSERT INTO audit_heads (" + HEAD_COLUMNS + ") VALUES ($1, $2, $3, $4, $5)"
                            + " ON CONFLICT (tenant_id) DO NOTHING")
                    .execute(Tuple.tuple().addUUID(tenantId).addInteger(segmentSize).addLong(0L)
                            .addValue(Buffer.buffer(empty.lastRecordHash())).addLong(1L))
                    .flatMap(ignored -> selectHead(connection, tenantId, true))
                    .map(Optional::orElseThrow);
        });
    }

    @Override
    public Uni<Optional<LogHead>> findHead(SqlConnection connection, UUID tenantId) {
        return selectHead(connection, tenantId, false);
    }

    private Uni<Optional<LogHead>> selectHead(SqlConnection connection, UUID tenantId, boolean lock) {
        return connection.preparedQuery("SELECT " + HEAD_COLUMNS + " FROM audit_heads WHERE tenant_id = $1"
                        + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(tenantId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toHead(rows.iterator().next())));
    }

    @Override
    public Uni<Void> saveHead(SqlConnection connection, LogHead head) {
        return connection.preparedQuery("""
                        UPDATE audit_heads SET tree_size = $2, last_record_hash = $3, updated_at = clock_timestamp()
                         WHERE tenant_id = $1 AND tree_size < $2""")
                .execute(Tuple.tuple().addUUID(head.tenantId()).addLong(head.treeSize())
                        .addValue(Buffer.buffer(head.lastRecordHash())))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("the head of " + head.tenantId() + " moved although it was locked");
                    }
                    return null;
                });
    }

    @Override
    public Uni<Map<UUID, Long>> findRecordIds(SqlConnection connection, UUID tenantId, List<UUID> recordIds) {
        return connection.preparedQuery("""
                        SELECT record_id, sequence FROM audit_records
                         WHERE tenant_id = $1 AND record_id = ANY($2) LIMIT $3""")
                .execute(Tuple.tuple().addUUID(tenantId).addValue(recordIds.toArray(new UUID[0]))
                        .addInteger(recordIds.size()))
                .map(rows -> {
                    Map<UUID, Long> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getUUID("record_id"), row.getLong("sequence")));
                    return found;
                });
    }

    @Override
    public Uni<Void> insertRecords(SqlConnection connection, List<AuditRecord> records,
                                   List<Optional<String>> sealedDetails) {
        int n = records.size();
        if (sealedDetails.size() != n) {
            throw new IllegalArgumentException(n + " records but " + sealedDetails.size() + " sealed details");
        }
        String[] sealed = new String[n];
        Long[] sequences = new Long[n];
        UUID[] ids = new UUID[n];
        OffsetDateTime[] occurred = new OffsetDateTime[n];
        OffsetDateTime[] recorded = new OffsetDateTime[n];
        String[] origins = new String[n];
        String[] actors = new String[n];
        String[] actions = new String[n];
        String[] resources = new String[n];
        String[] outcomes = new String[n];
        String[] reasons = new String[n];
        String[] correlations = new String[n];
        Buffer[] details = new Buffer[n];
        Buffer[] previous = new Buffer[n];
        Buffer[] hashes = new Buffer[n];
        UUID tenant = records.get(0).tenantId();
        for (int i = 0; i < n; i++) {
            AuditRecord r = records.get(i);
            if (!r.tenantId().equals(tenant)) {
                throw new IllegalArgumentException("one insert holds one tenant's records");
            }
            sequences[i] = r.sequence();
            ids[i] = r.recordId();
            occurred[i] = r.occurredAt().atOffset(ZoneOffset.UTC);
            recorded[i] = r.recordedAt().atOffset(ZoneOffset.UTC);
            origins[i] = r.origin();
            actors[i] = r.actor();
            actions[i] = r.action();
            resources[i] = r.resource();
            outcomes[i] = r.outcome();
            reasons[i] = r.reason();
            correlations[i] = r.correlationId();
            details[i] = Buffer.buffer(r.details());
            previous[i] = Buffer.buffer(r.previousHash());
            hashes[i] = Buffer.buffer(r.recordHash());
            sealed[i] = sealedDetails.get(i).orElse(null);
        }
        return connection.preparedQuery("INSERT INTO audit_records (" + RECORD_COLUMNS + ", sealed_details)"
                        + " SELECT $1, * FROM unnest($2::bigint[], $3::uuid[], $4::timestamptz[], $5::timestamptz[],"
                        + " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],"
                        + " $13::bytea[], $14::bytea[], $15::bytea[], $16::text[])")
                .execute(Tuple.tuple().addUUID(tenant).addValue(sequences).addValue(ids).addValue(occurred)
                        .addValue(recorded).addValue(origins).addValue(actors).addValue(actions).addValue(resources)
                        .addValue(outcomes).addValue(reasons).addValue(correlations).addValue(details)
                        .addValue(previous).addValue(hashes).addValue(sealed))
                .map(rows -> {
                    if (rows.rowCount() != n) {
                        throw new IllegalStateException("inserted " + rows.rowCount() + " of " + n + " records");
                    }
                    return null;
                });
    }

    @Override
    public Uni<List<StoredRecord>> records(SqlConnection connection, UUID tenantId, long from, long to, int limit) {
        return connection.preparedQuery("SELECT " + STORED_COLUMNS + " FROM audit_records"
                        + " WHERE tenant_id = $1 AND sequence BETWEEN $2 AND $3 ORDER BY sequence LIMIT $4")
                .execute(Tuple.of(tenantId, from, to, limit))
                .map(PgAuditLog::toRecords);
    }

    @Override
    public Uni<List<byte[]>> recordHashes(SqlConnection connection, UUID tenantId, long from, long to) {
        return connection.preparedQuery("SELECT record_hash FROM audit_records"
                        + " WHERE tenant_id = $1 AND sequence BETWEEN $2 AND $3 ORDER BY sequence LIMIT $4")
                .execute(Tuple.of(tenantId, from, to, Math.max(0, to - from + 1)))
                .map(rows -> {
                    List<byte[]> hashes = new ArrayList<>(rows.size());
                    rows.forEach(row -> hashes.add(row.getBuffer("record_hash").getBytes()));
                    return hashes;
                });
    }

    @Override
    public Uni<List<StoredRecord>> query(SqlConnection connection, UUID tenantId, RecordFilter filter,
                                         long afterSequence, int limit) {
        // Only the filters given appear in the statement, so the planner can use their index.
        StringBuilder sql = new StringBuilder("SELECT " + STORED_COLUMNS
                + " FROM audit_records WHERE tenant_id = $1 AND sequence > $2");
        Tuple arguments = Tuple.tuple().addUUID(tenantId).addLong(afterSequence);
        equal(sql, arguments, "actor", filter.actor());
        equal(sql, arguments, "action", filter.action());
        equal(sql, arguments, "resource", filter.resource());
        equal(sql, arguments, "outcome", filter.outcome());
        if (filter.recordedFrom().isPresent()) {
            arguments.addOffsetDateTime(filter.recordedFrom().get().atOffset(ZoneOffset.UTC));
            sql.append(" AND recorded_at >= $").append(arguments.size());
        }
        if (filter.recordedTo().isPresent()) {
            arguments.addOffsetDateTime(filter.recordedTo().get().atOffset(ZoneOffset.UTC));
            sql.append(" AND recorded_at < $").append(arguments.size());
        }
        arguments.addInteger(limit);
        sql.append(" ORDER BY sequence LIMIT $").append(arguments.size());
        return connection.preparedQuery(sql.toString()).execute(arguments).map(PgAuditLog::toRecords);
    }

    @Override
    public Uni<RecordCounts> countRecords(SqlConnection connection, UUID tenantId, Optional<String> actor) {
        return connection.preparedQuery("""
                        SELECT count(*) AS total, count(sealed_details) AS sealed, count(details_redacted_at) AS redacted
                          FROM audit_records WHERE tenant_id = $1 AND ($2::text IS NULL OR actor = $2)""")
                .execute(Tuple.of(tenantId, actor.orElse(null)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new RecordCounts(row.getLong("total"), row.getLong("sealed"), row.getLong("redacted"));
                });
    }

    @Override
    public Uni<Long> redactSealedDetails(SqlConnection connection, UUID tenantId, String actor, int limit) {
        return connection.preparedQuery("SELECT redact_sealed_details($1, $2, $3) AS redacted")
                .execute(Tuple.of(tenantId, actor, limit))
                .map(rows -> rows.iterator().next().getLong("redacted"));
    }

    private static void equal(StringBuilder sql, Tuple arguments, String column, Optional<String> value) {
        if (value.isPresent()) {
            arguments.addString(value.get());
            sql.append(" AND ").append(column).append(" = $").append(arguments.size());
        }
    }

    @Override
    public Uni<Map<Long, SealedSegment>> segments(SqlConnection connection, UUID tenantId, long belowSegment) {
        return connection.preparedQuery("""
                        SELECT segment_number, root_hash, last_record_hash FROM audit_segments
                         WHERE tenant_id = $1 AND segment_number < $2 ORDER BY segment_number LIMIT $2""")
                .execute(Tuple.of(tenantId, belowSegment))
                .map(rows -> {
                    Map<Long, SealedSegment> segments = new LinkedHashMap<>();
                    rows.forEach(row -> segments.put(row.getLong("segment_number"), new SealedSegment(
                            row.getBuffer("root_hash").getBytes(), row.getBuffer("last_record_hash").getBytes())));
                    return segments;
                });
    }

    @Override
    public Uni<Boolean> insertSegment(SqlConnection connection, UUID tenantId, long segment, long firstSequence,
                                      long lastSequence, byte[] rootHash, byte[] lastRecordHash) {
        return connection.preparedQuery("""
                        INSERT INTO audit_segments
                            (tenant_id, segment_number, first_sequence, last_sequence, root_hash, last_record_hash)
                        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""")
                .execute(Tuple.tuple().addUUID(tenantId).addLong(segment).addLong(firstSequence).addLong(lastSequence)
                        .addValue(Buffer.buffer(rootHash)).addValue(Buffer.buffer(lastRecordHash)))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Boolean> insertCheckpoint(SqlConnection connection, SignedTreeHead checkpoint) {
        return connection.preparedQuery("INSERT INTO audit_checkpoints (" + CHECKPOINT_COLUMNS + ")"
                        + " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
                .execute(Tuple.tuple().addUUID(checkpoint.tenantId()).addLong(checkpoint.treeSize())
                        .addValue(Buffer.buffer(checkpoint.rootHash()))
                        .addOffsetDateTime(checkpoint.issuedAt().atOffset(ZoneOffset.UTC))
                        .addString(checkpoint.keyId()).addValue(Buffer.buffer(checkpoint.signature())))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Optional<SignedTreeHead>> checkpoint(SqlConnection connection, UUID tenantId, long treeSize) {
        return connection.preparedQuery("SELECT " + CHECKPOINT_COLUMNS
                        + " FROM audit_checkpoints WHERE tenant_id = $1 AND tree_size = $2")
                .execute(Tuple.of(tenantId, treeSize))
                .map(PgAuditLog::firstCheckpoint);
    }

    @Override
    public Uni<Optional<SignedTreeHead>> newestCheckpoint(SqlConnection connection, UUID tenantId) {
        return connection.preparedQuery("SELECT " + CHECKPOINT_COLUMNS
                        + " FROM audit_checkpoints WHERE tenant_id = $1 ORDER BY tree_size DESC LIMIT 1")
                .execute(Tuple.of(tenantId))
                .map(PgAuditLog::firstCheckpoint);
    }

    @Override
    public Uni<List<SignedTreeHead>> checkpoints(SqlConnection connection, UUID tenantId, long belowSize, int limit) {
        return connection.preparedQuery("SELECT " + CHECKPOINT_COLUMNS + " FROM audit_checkpoints"
                        + " WHERE tenant_id = $1 AND tree_size < $2 ORDER BY tree_size DESC LIMIT $3")
                .execute(Tuple.of(tenantId, belowSize, limit))
                .map(rows -> {
                    List<SignedTreeHead> checkpoints = new ArrayList<>(rows.size());
                    rows.forEach(row -> checkpoints.add(toCheckpoint(row)));
                    return checkpoints;
                });
    }

    @Override
    public Uni<RetentionPolicy> policy(SqlConnection connection, UUID tenantId) {
        return connection.preparedQuery("""
                        SELECT retention_days, legal_hold, legal_hold_reason FROM audit_tenant_policies
                         WHERE tenant_id = $1""")
                .execute(Tuple.of(tenantId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return RetentionPolicy.unknown();
                    }
                    Row row = rows.iterator().next();
                    Integer days = row.getInteger("retention_days");
                    return new RetentionPolicy(days == null ? OptionalInt.empty() : OptionalInt.of(days),
                            row.getBoolean("legal_hold"), row.getString("legal_hold_reason"));
                });
    }

    @Override
    public Uni<Void> saveRetention(SqlConnection connection, UUID tenantId, OptionalInt retentionDays, long version) {
        return connection.preparedQuery("""
                        INSERT INTO audit_tenant_policies (tenant_id, retention_days, tenant_version) VALUES ($1, $2, $3)
                        ON CONFLICT (tenant_id) DO UPDATE
                           SET retention_days = excluded.retention_days, tenant_version = excluded.tenant_version,
                               updated_at = clock_timestamp()
                         WHERE audit_tenant_policies.tenant_version < excluded.tenant_version""")
                .execute(Tuple.tuple().addUUID(tenantId)
                        .addInteger(retentionDays.isPresent() ? retentionDays.getAsInt() : null).addLong(version))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> saveLegalHold(SqlConnection connection, UUID tenantId, boolean held, String reason) {
        return connection.preparedQuery("""
                        INSERT INTO audit_tenant_policies (tenant_id, legal_hold, legal_hold_reason) VALUES ($1, $2, $3)
                        ON CONFLICT (tenant_id) DO UPDATE
                           SET legal_hold = excluded.legal_hold, legal_hold_reason = excluded.legal_hold_reason,
                               updated_at = clock_timestamp()""")
                .execute(Tuple.of(tenantId, held, reason))
                .replaceWithVoid();
    }

    @Override
    public Uni<Long> lastExpired(SqlConnection connection, UUID tenantId, long fromSequence, Instant cutoff) {
        // In sequence order from the first retained record: stops at the first fresh one.
        return connection.preparedQuery("""
                        SELECT coalesce((SELECT sequence FROM audit_records
                                          WHERE tenant_id = $1 AND sequence >= $2 AND recorded_at >= $3
                                          ORDER BY sequence LIMIT 1) - 1,
                                        (SELECT tree_size FROM audit_heads WHERE tenant_id = $1)) AS last""")
                .execute(Tuple.of(tenantId, fromSequence, cutoff.atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.iterator().next().getLong("last"));
    }

    @Override
    public Uni<Long> removeExpiredSegments(SqlConnection connection, UUID tenantId, long upToSequence) {
        return connection.preparedQuery("SELECT remove_expired_segments($1, $2) AS removed")
                .execute(Tuple.of(tenantId, upToSequence))
                .map(rows -> rows.iterator().next().getLong("removed"));
    }

    @Override
    public Uni<List<UUID>> tenants(SqlConnection connection, Optional<UUID> afterTenant, int limit) {
        return connection.preparedQuery("""
                        SELECT tenant_id FROM audit_heads WHERE ($1::uuid IS NULL OR tenant_id > $1)
                         ORDER BY tenant_id LIMIT $2""")
                .execute(Tuple.of(afterTenant.orElse(null), limit))
                .map(PgAuditLog::tenantIds);
    }

    @Override
    public Uni<List<UUID>> tenantsAheadOfCheckpoint(SqlConnection connection, int limit) {
        return connection.preparedQuery("""
                        SELECT h.tenant_id FROM audit_heads h
                         WHERE h.tree_size > coalesce((SELECT max(c.tree_size) FROM audit_checkpoints c
                                                        WHERE c.tenant_id = h.tenant_id), 0)
                         ORDER BY h.updated_at LIMIT $1""")
                .execute(Tuple.of(limit))
                .map(PgAuditLog::tenantIds);
    }

    @Override
    public Uni<Boolean> tryLock(SqlConnection connection, String job, UUID tenantId) {
        return connection.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2)) AS locked")
                .execute(Tuple.of("audit." + job, tenantId.toString()))
                .map(rows -> rows.iterator().next().getBoolean("locked"));
    }

    private static List<UUID> tenantIds(RowSet<Row> rows) {
        List<UUID> tenants = new ArrayList<>(rows.size());
        rows.forEach(row -> tenants.add(row.getUUID("tenant_id")));
        return tenants;
    }

    private static LogHead toHead(Row row) {
        return new LogHead(row.getUUID("tenant_id"), row.getInteger("segment_size"), row.getLong("tree_size"),
                row.getBuffer("last_record_hash").getBytes(), row.getLong("first_retained_sequence"));
    }

    private static List<StoredRecord> toRecords(RowSet<Row> rows) {
        List<StoredRecord> records = new ArrayList<>(rows.size());
        rows.forEach(row -> records.add(new StoredRecord(new AuditRecord(
                row.getUUID("tenant_id"),
                row.getLong("sequence"),
                row.getUUID("record_id"),
                row.getOffsetDateTime("occurred_at").toInstant(),
                row.getOffsetDateTime("recorded_at").toInstant(),
                row.getString("origin"),
                row.getString("actor"),
                row.getString("action"),
                row.getString("resource"),
                row.getString("outcome"),
                row.getString("reason"),
                row.getString("correlation_id"),
                row.getBuffer("details").getBytes(),
                row.getBuffer("previous_hash").getBytes(),
                row.getBuffer("record_hash").getBytes()),
                Optional.ofNullable(row.getString("sealed_details")),
                Optional.ofNullable(row.getOffsetDateTime("details_redacted_at")).map(OffsetDateTime::toInstant))));
        return records;
    }

    private static Optional<SignedTreeHead> firstCheckpoint(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(toCheckpoint(rows.iterator().next()));
    }

    private static SignedTreeHead toCheckpoint(Row row) {
        return new SignedTreeHead(row.getUUID("tenant_id"), row.getLong("tree_size"),
                row.getBuffer("root_hash").getBytes(), row.getOffsetDateTime("issued_at").toInstant(),
                row.getString("key_id"), row.getBuffer("signature").getBytes());
    }
}
