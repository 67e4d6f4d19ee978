package io.aicunet.tenant.application.tenants;

import io.aicunet.tenant.config.TenantServiceConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Forgets idempotency keys older than the configured period, in bounded batches. A
 * retry after that period still never creates a second tenant: it is refused as
 * SLUG_TAKEN, since the first tenant keeps its slug. Safe with several replicas:
 * deleting the same rows twice is harmless.
 */
@ApplicationScoped
public class ExpireIdempotencyKeys {

    private final Pool pool;
    private final TenantServiceConfig config;

    public ExpireIdempotencyKeys(Pool pool, TenantServiceConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Deletes one batch of expired keys; the number deleted. */
    public Uni<Integer> execute() {
        return pool.preparedQuery("""
                        DELETE FROM idempotency_keys
                         WHERE ctid IN (SELECT ctid FROM idempotency_keys
                                         WHERE created_at < clock_timestamp() - make_interval(days => $1)
                                         LIMIT $2)""")
                .execute(Tuple.of(config.idempotencyKeyRetentionDays(), config.idempotencyKeyExpiryBatchMax()))
                .map(rows -> rows.rowCount());
    }
}
