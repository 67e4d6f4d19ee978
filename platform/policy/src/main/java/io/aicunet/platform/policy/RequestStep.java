package io.aicunet.platform.policy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;

/**
 * One step of the request pipeline between authentication and the tenant transaction
 * (authorization is one; rate limits and quotas plug in as others). A step is a CDI
 * bean; the pipeline runs every step in ascending {@link #order()} and stops at the
 * first refusal, so nothing behind a refusing step runs.
 */
public interface RequestStep {

    /** Authorization's place; a step that must run before the policy is asked orders lower. */
    int AUTHORIZATION = 1000;

    /**
     * The request rate limit's place (platform/limits RateLimitStep): before authorization, as
     * the architecture's pipeline has it (authenticate, rate-limit, authorize), so a flood is
     * refused before the policy engine is asked and before any work. A principal bound to a
     * tenant is counted against its own tenant, never the one it names, so a caller foreign
     * to a tenant cannot exhaust that tenant's bucket.
     */
    int RATE_LIMIT = 900;

    int order();

    /** Empty to let the request go on; otherwise the refusal the caller gets. */
    Uni<java.util.Optional<Problem>> admit(Caller caller, String action, Resource resource);
}
