package io.aicunet.agentstate.application.port;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Which request each caller's idempotency key stood for, and the id of what it created. */
public interface IdempotencyKeys {

    /** What a used key stands for. */
    record Used(byte[] requestDigest, UUID resultId) {
    }

    Uni<Optional<Used>> find(SqlConnection connection, TenantId tenant, String subject, String key);

    /** Records the key; false when it was recorded before (by a concurrent request). */
    Uni<Boolean> claim(SqlConnection connection, TenantId tenant, String subject, String key, byte[] requestDigest,
                       UUID resultId);

    /** Deletes up to {@code limit} keys created before {@code before}; the number deleted. Platform scope. */
    Uni<Integer> deleteOlderThan(SqlConnection connection, Instant before, int limit);

    Uni<Integer> deleteOfTenant(SqlConnection connection, TenantId tenant, int limit);
}
