package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.List;

/**
 * Threads whose Redis cache entry may be stale because a change committed while Redis
 * could not be fenced first. A row is written in the same transaction as the change.
 */
public interface CacheRepairs {

    /** A thread to repair. */
    record Repair(TenantId tenant, ThreadId threadId) {
    }

    Uni<Void> add(SqlConnection connection, TenantId tenant, ThreadId thread);

    /** Up to {@code limit} repairs, locked, skipping those another replica handles. Platform scope. */
    Uni<List<Repair>> lock(SqlConnection connection, int limit);

    Uni<Void> remove(SqlConnection connection, List<Repair> repairs);

    /** Whether any repair waits. Platform scope. */
    Uni<Boolean> anyWaiting(SqlConnection connection);

    Uni<Integer> deleteOfTenant(SqlConnection connection, TenantId tenant, int limit);
}
