package io.aicunet.ledger.application.port;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.Optional;

/**
 * What the ledger knows of each tenant from the tenant service's events: whether it
 * may take new debits, and its daily token quota.
 */
public interface LedgerTenants {

    /** A tenant that may not take new debits, and why. */
    record Suspension(String reason, Instant since) {
    }

    /** The tenant's suspension, or empty when it is active (or the ledger has not heard of it). */
    Uni<Optional<Suspension>> suspension(SqlConnection connection, TenantId tenant);

    Uni<Void> markActive(SqlConnection connection, TenantId tenant, Instant at);

    Uni<Void> markSuspended(SqlConnection connection, TenantId tenant, String reason, Instant at);

    /** The tenant's tokens per day as the tenant service last said, or empty when it has not yet. */
    Uni<Optional<Long>> tokensPerDay(SqlConnection connection, TenantId tenant);

    /**
     * Stores the tenant's tokens per day from the tenant at {@code version}, unless a
     * quota of a later version is stored (a late redelivery changes nothing).
     */
    Uni<Void> applyTokenQuota(SqlConnection connection, TenantId tenant, long tokensPerDay, long version);
}
