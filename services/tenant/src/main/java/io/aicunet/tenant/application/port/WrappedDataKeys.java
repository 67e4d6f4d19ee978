package io.aicunet.tenant.application.port;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.List;
import java.util.Optional;

/**
 * Where tenants' data keys are kept, only ever wrapped by a master key. Every method works
 * in the caller's transaction on the given connection.
 */
public interface WrappedDataKeys {

    /** Stores a wrapped key unless the tenant already has one with that id. */
    Uni<Void> insert(SqlConnection connection, TenantId tenant, WrappedDataKey key);

    /** The named key, or the newest one when {@code keyId} is empty. */
    Uni<Optional<WrappedDataKey>> find(SqlConnection connection, TenantId tenant, String keyId);

    /** Drops the wrapped material of every key of the tenant not yet destroyed; the ids destroyed now. */
    Uni<List<String>> destroyAll(SqlConnection connection, TenantId tenant);

    /**
     * One data key as stored: its wrapped material (empty once destroyed) and the id of
     * the master key that wrapped it.
     */
    record WrappedDataKey(String keyId, Optional<byte[]> wrapped, String masterKeyId) {
    }
}
