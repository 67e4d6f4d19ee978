package io.aicunet.agentstate.application;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;

/** Every Redis key of a tenant, for erasure. Fails with {@link HotStateUnavailableException} without Redis. */
public interface TenantKeys {

    /**
     * Deletes one SCAN step's worth of the tenant's keys, starting at {@code cursor};
     * returns the next cursor, "0" when every key has been visited.
     */
    Uni<String> deleteStep(TenantId tenant, String cursor);
}
