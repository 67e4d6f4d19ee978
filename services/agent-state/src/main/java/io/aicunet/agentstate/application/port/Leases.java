package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * Leases on agents in Redis: a key per agent holding the fencing token and the
 * worker, living for the lease's time. Fails with {@link HotState.UnavailableException}
 * without Redis.
 */
public interface Leases extends HotState {

    /** What a claim found: the lease was free (or the claimer's own) and is now the claimer's, or another worker holds it. */
    sealed interface Claim {
    }

    record Acquired() implements Claim {
    }

    record HeldByOther(String worker, long remainingMillis) implements Claim {
    }

    /** Takes the lease for {@code worker} with {@code token}, unless another worker holds it. */
    Uni<Claim> acquire(TenantId tenant, AgentId agent, String worker, long token, Duration ttl);

    /** Extends the lease if {@code worker} still holds it with {@code token}; false otherwise. */
    Uni<Boolean> renew(TenantId tenant, AgentId agent, String worker, long token, Duration ttl);

    /** Ends the lease if {@code worker} still holds it with {@code token}; false otherwise. */
    Uni<Boolean> release(TenantId tenant, AgentId agent, String worker, long token);
}
