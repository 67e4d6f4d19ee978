package io.aicunet.agentstate.application.port;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;

/** Every Redis key of a tenant, for erasure. Fails with {@link HotState.UnavailableException} without Redis. */
public interface TenantKeys extends HotState {

    /** One SCAN step: the cursor to go on from ("0": every key was visited) and how many keys it deleted. */
    record Step(String next, int deleted) {
    }

    /** Deletes one SCAN step's worth of the tenant's keys, starting at {@code cursor}. */
    Uni<Step> deleteStep(TenantId tenant, String cursor);
}
