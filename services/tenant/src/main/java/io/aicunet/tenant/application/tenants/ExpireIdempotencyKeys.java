package io.aicunet.tenant.application.tenants;

import io.aicunet.platform.problem.Result;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.config.TenantServiceConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Forgets idempotency keys older than the configured period, in bounded batches. A
 * retry after that period still never creates a second tenant: it is refused as
 * SLUG_TAKEN, since the first tenant keeps its slug. Safe with several replicas:
 * deleting the same rows twice is harmless.
 */
@ApplicationScoped
public class ExpireIdempotencyKeys {

    private final TenantAccess access;
    private final TenantServiceConfig config;

    public ExpireIdempotencyKeys(TenantAccess access, TenantServiceConfig config) {
        this.access = access;
        this.config = config;
    }

    /** Deletes one batch of expired keys; the number deleted. */
    public Uni<Integer> execute() {
        return access.asPlatform(connection -> access.tenants()
                        .deleteExpiredIdempotencyKeys(connection, config.idempotencyKeyRetentionDays(),
                                config.idempotencyKeyExpiryBatchMax())
                        .map(Result::ok))
                .map(Result::value);
    }
}
