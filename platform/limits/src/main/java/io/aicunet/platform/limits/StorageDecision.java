package io.aicunet.platform.limits;

import io.aicunet.platform.problem.Problem;
import java.util.Optional;

/**
 * The storage quota's rule, pure: a write that adds bytes is refused when the tenant
 * would store more than its quota afterwards; exactly the quota is allowed. A write that
 * frees room or keeps the size (a delete, a smaller value) is never refused, even over
 * a quota lowered meanwhile, so a tenant over its quota can always clean up.
 */
public final class StorageDecision {

    /** The setting a refusal names: the tenant service's quota field. */
    public static final String LIMIT = "tenant.quotas.storage_bytes";

    private StorageDecision() {
    }

    /** The refusal of a write, or empty when it may commit. */
    public static Optional<Problem.ResourceExhausted> refusal(String service, StorageUse use) {
        if (use.writtenBytes() <= 0 || !use.overQuota()) {
            return Optional.empty();
        }
        return Optional.of(new Problem.ResourceExhausted(LIMIT, subject(service, use), use.quotaBytes(),
                use.bytesBefore(), "tenant " + use.tenant() + " stores " + use.bytesBefore() + " bytes with "
                + service + " of its quota of " + use.quotaBytes() + "; this write of " + use.writtenBytes()
                + " bytes would make " + use.bytes() + ", so nothing was written. Delete data, or ask for a"
                + " larger storage_bytes quota"));
    }

    /** What a refusal is about: {@code tenants/<id>/storage/<service>}. */
    public static String subject(String service, StorageUse use) {
        return "tenants/" + use.tenant() + "/storage/" + service;
    }
}
