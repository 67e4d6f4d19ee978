package io.aicunet.tenant.application.port;

import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.domain.Tenant;
import io.aicunet.tenant.domain.TenantStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.List;
import java.util.Optional;

/**
 * Where tenants are kept. Every method works in the caller's transaction on the given
 * connection, so row-level security and the outbox share it.
 */
public interface Tenants {

    /** The tenant, locked for update when {@code lock} is set; empty when absent or not visible. */
    Uni<Optional<Tenant>> find(SqlConnection connection, TenantId id, boolean lock);

    /** Stores a new tenant; false when its slug is taken. */
    Uni<Boolean> insert(SqlConnection connection, Tenant tenant);

    /** Stores a changed tenant over the version before it; fails when that version is gone (a bug under a row lock). */
    Uni<Void> update(SqlConnection connection, Tenant tenant);

    /** At most {@code limit} tenants with slugs after {@code afterSlug}, by slug. */
    Uni<List<Tenant>> list(SqlConnection connection, Optional<String> afterSlug, Optional<TenantStatus> status,
                           int limit);

    /**
     * Records that {@code subject}'s {@code key} created {@code tenant} from a request
     * with this digest; false when the key was recorded before (then see {@link #findIdempotencyKey}).
     */
    Uni<Boolean> claimIdempotencyKey(SqlConnection connection, String subject, String key, byte[] requestDigest,
                                     TenantId tenant);

    Uni<Optional<IdempotencyRecord>> findIdempotencyKey(SqlConnection connection, String subject, String key);

    /** Deletes at most {@code limit} idempotency keys older than {@code retentionDays}; the number deleted. */
    Uni<Integer> deleteExpiredIdempotencyKeys(SqlConnection connection, int retentionDays, int limit);

    /** What a used idempotency key stands for. */
    record IdempotencyRecord(byte[] requestDigest, TenantId tenant) {
    }
}
