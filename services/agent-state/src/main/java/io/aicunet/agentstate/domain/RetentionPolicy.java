package io.aicunet.agentstate.domain;

import io.aicunet.platform.tenancy.TenantId;
import java.util.Objects;

/**
 * How long a tenant's checkpoints are kept: the newest {@code keepLastCheckpoints}
 * of every thread (at least one: a thread's latest checkpoint is never pruned), and
 * whole threads until they have been idle for {@code idleThreadTtlSeconds} (0: forever).
 */
public record RetentionPolicy(TenantId tenant, int keepLastCheckpoints, long idleThreadTtlSeconds) {

    public RetentionPolicy {
        Objects.requireNonNull(tenant, "tenant");
        if (keepLastCheckpoints < 1) {
            throw new IllegalArgumentException("a thread keeps at least its latest checkpoint, not "
                    + keepLastCheckpoints);
        }
        if (idleThreadTtlSeconds < 0) {
            throw new IllegalArgumentException("an idle-thread TTL is never negative, was " + idleThreadTtlSeconds);
        }
    }
}
