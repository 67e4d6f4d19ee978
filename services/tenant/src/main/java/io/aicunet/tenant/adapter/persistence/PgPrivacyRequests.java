package io.aicunet.tenant.adapter.persistence;

import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.application.port.PrivacyRequests;
import io.aicunet.tenant.domain.PrivacyRequest;
import io.aicunet.tenant.domain.PrivacyRequest.Part;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Privacy requests in PostgreSQL, under row-level security. */
@ApplicationScoped
public class PgPrivacyRequests implements PrivacyRequests {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String ONE_PENDING_ERASURE = "privacy_requests_one_pending_erasure";

    @Override
    public Uni<Registration> register(SqlConnection connection, PrivacyRequest request, String requestedBy,
                                      String idempotencyKey, byte[] requestDigest) {
        // A savepoint keeps the transaction usable when the pending-erasure index refuses the row.
        return connection.query("SAVEPOINT register_privacy_request").execute()
                .flatMap(ignored -> connection.preparedQuery("""
                                INSERT INTO privacy_requests (request_id, tenant_id, kind, subject_id, status,
                                    requested_by, idempotency_key, request_sha256, expected_services, created_at, deadline)
                                VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10)
                                ON CONFLICT (tenant_id, requested_by, idempotency_key) DO NOTHING""")
                        .execute(Tuple.tuple()
                                .addUUID(request.id())
                                .addUUID(request.tenant().value())
                                .addString(request.kind().name().toLowerCase(Locale.ROOT))
                                .addString(request.subjectId())
                                .addString(requestedBy)
                                .addString(idempotencyKey)
                                .addBuffer(Buffer.buffer(requestDigest))
                                .addArrayOfString(request.expectedServices().toArray(new String[0]))
                                .addOffsetDateTime(utc(request.createdAt()))
                                .addOffsetDateTime(utc(request.deadline()))))
                .map(rows -> rows.rowCount() == 1 ? Registration.CREATED : Registration.KEY_USED)
                .onFailure(PgPrivacyRequests::isPendingErasureConflict)
                .recoverWithUni(failure -> connection.query("ROLLBACK TO SAVEPOINT register_privacy_request").execute()
                        .replaceWith(Registration.ERASURE_PENDING));
    }

    @Override
    public Uni<Optional<Keyed>> findByKey(SqlConnection connection, TenantId tenant, String requestedBy,
                                          String idempotencyKey) {
        return connection.preparedQuery("""
                        SELECT request_id, request_sha256 FROM privacy_requests
                         WHERE tenant_id = $1 AND requested_by = $2 AND idempotency_key = $3""")
                .execute(Tuple.of(tenant.value(), requestedBy, idempotencyKey))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new Keyed(
                        rows.iterator().next().getUUID("request_id"),
                        rows.iterator().next().getBuffer("request_sha256").getBytes())));
    }

    @Override
    public Uni<Optional<PrivacyRequest>> find(SqlConnection connection, UUID id, boolean lock) {
        return connection.preparedQuery("""
                        SELECT request_id, tenant_id, kind, subject_id, status, expected_services, created_at, deadline,
                               completed_at, failure_reason, manifest_object, key_destroyed_at
                          FROM privacy_requests WHERE request_id = $1""" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<PrivacyRequest>empty());
                    }
                    Row row = rows.iterator().next();
                    return parts(connection, id).map(parts -> Optional.of(toRequest(row, parts)));
                });
    }

    @Override
    public Uni<Boolean> addPart(SqlConnection connection, PrivacyRequest request, Part part) {
        JsonObject counts = new JsonObject();
        part.counts().forEach(counts::put);
        return connection.preparedQuery("""
                        INSERT INTO privacy_request_parts (request_id, tenant_id, service, fulfilled_at, object, sha256, counts)
                        VALUES ($1, $2, $3, $4, $5, $6, $7)
                        ON CONFLICT (request_id, service) DO NOTHING""")
                .execute(Tuple.tuple()
                        .addUUID(request.id())
                        .addUUID(request.tenant().value())
                        .addString(part.service())
                        .addOffsetDateTime(utc(part.fulfilledAt()))
                        .addString(part.object())
                        .addString(part.sha256())
                        .addJsonObject(counts))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Void> finish(SqlConnection connection, PrivacyRequest finished) {
        return connection.preparedQuery("""
                        UPDATE privacy_requests
                           SET status = $2, completed_at = $3, failure_reason = $4, manifest_object = $5,
                               key_destroyed_at = $6
                         WHERE request_id = $1 AND status = 'pending'""")
                .execute(Tuple.tuple()
                        .addUUID(finished.id())
                        .addString(finished.status().name().toLowerCase(Locale.ROOT))
                        .addOffsetDateTime(finished.completedAt().map(PgPrivacyRequests::utc).orElse(null))
                        .addString(finished.failureReason().orElse(null))
                        .addString(finished.manifestObject().orElse(null))
                        .addOffsetDateTime(finished.keyDestroyedAt().map(PgPrivacyRequests::utc).orElse(null)))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("privacy request " + finished.id() + " was not pending");
                    }
                    return null;
                });
    }

    @Override
    public Uni<List<UUID>> lockOverdue(SqlConnection connection, Instant now, int limit) {
        return connection.preparedQuery("""
                        SELECT request_id FROM privacy_requests
                         WHERE status = 'pending' AND deadline < $1
                         ORDER BY deadline LIMIT $2
                         FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(utc(now), limit))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("request_id")));
                    return ids;
                });
    }

    @Override
    public Uni<List<UUID>> exportIds(SqlConnection connection, TenantId tenant, int limit) {
        return connection.preparedQuery("""
                        SELECT request_id FROM privacy_requests
                         WHERE tenant_id = $1 AND kind = 'export'
                         ORDER BY created_at DESC LIMIT $2""")
                .execute(Tuple.of(tenant.value(), limit))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("request_id")));
                    return ids;
                });
    }

    private Uni<Map<String, Part>> parts(SqlConnection connection, UUID id) {
        return connection.preparedQuery("""
                        SELECT service, fulfilled_at, object, sha256, counts FROM privacy_request_parts
                         WHERE request_id = $1 ORDER BY service LIMIT 100""")
                .execute(Tuple.of(id))
                .map(rows -> {
                    Map<String, Part> parts = new HashMap<>();
                    rows.forEach(row -> {
                        Map<String, Long> counts = new HashMap<>();
                        row.getJsonObject("counts").forEach(e -> counts.put(e.getKey(), ((Number) e.getValue()).longValue()));
                        parts.put(row.getString("service"), new Part(row.getString("service"),
                                row.getOffsetDateTime("fulfilled_at").toInstant(), row.getString("object"),
                                row.getString("sha256"), counts));
                    });
                    return parts;
                });
    }

    private static PrivacyRequest toRequest(Row row, Map<String, Part> parts) {
        return new PrivacyRequest(
                row.getUUID("request_id"),
                new TenantId(row.getUUID("tenant_id")),
                PrivacyRequest.Kind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT)),
                row.getString("subject_id"),
                PrivacyRequest.Status.valueOf(row.getString("status").toUpperCase(Locale.ROOT)),
                Arrays.asList(row.getArrayOfStrings("expected_services")),
                row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("deadline").toInstant(),
                instant(row.getOffsetDateTime("completed_at")),
                Optional.ofNullable(row.getString("failure_reason")),
                Optional.ofNullable(row.getString("manifest_object")),
                instant(row.getOffsetDateTime("key_destroyed_at")),
                parts);
    }

    private static Optional<Instant> instant(OffsetDateTime time) {
        return Optional.ofNullable(time).map(OffsetDateTime::toInstant);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static boolean isPendingErasureConflict(Throwable failure) {
        return failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                && ONE_PENDING_ERASURE.equals(pg.getConstraint());
    }
}
