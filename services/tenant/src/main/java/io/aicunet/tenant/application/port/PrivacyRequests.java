package io.aicunet.tenant.application.port;

import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.domain.PrivacyRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Where privacy requests and their parts are kept; every method works in the caller's transaction. */
public interface PrivacyRequests {

    /** The outcome of registering a request under an idempotency key. */
    enum Registration { CREATED, KEY_USED, ERASURE_PENDING }

    /** Stores a new pending request unless the key was used (in the request's tenant) or an erasure of the same subject is pending. */
    Uni<Registration> register(SqlConnection connection, PrivacyRequest request, String requestedBy,
                               String idempotencyKey, byte[] requestDigest);

    /** The request a caller's idempotency key stands for in the tenant, with the digest of what was asked. */
    Uni<Optional<Keyed>> findByKey(SqlConnection connection, TenantId tenant, String requestedBy, String idempotencyKey);

    /** The request with its parts, locked for update when {@code lock} is set. */
    Uni<Optional<PrivacyRequest>> find(SqlConnection connection, UUID id, boolean lock);

    /** Records a service's answer; false when that service had answered already. */
    Uni<Boolean> addPart(SqlConnection connection, PrivacyRequest request, PrivacyRequest.Part part);

    /** Stores the request's end: status, completion time, reason, manifest and key destruction. */
    Uni<Void> finish(SqlConnection connection, PrivacyRequest finished);

    /** Pending requests past their deadline at {@code now}, locked, skipping those another replica holds. */
    Uni<List<UUID>> lockOverdue(SqlConnection connection, Instant now, int limit);

    /** Ids of the tenant's export requests, newest first, at most {@code limit} (their bundles go at its erasure). */
    Uni<List<UUID>> exportIds(SqlConnection connection, TenantId tenant, int limit);

    /** A request found by idempotency key, and the digest of what was asked then. */
    record Keyed(UUID id, byte[] requestDigest) {
    }
}
