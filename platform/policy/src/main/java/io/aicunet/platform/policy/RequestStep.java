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
     * The request rate limit's place (platform/limits RateLimitStep): after authorization, so
     * a call the policy refuses never takes from a tenant's bucket (a caller foreign to the
     * tenant cannot exhaust it), and before any work.
     */
    int RATE_LIMIT = 1100;

    int order();

    /** Empty to let the request go on; otherwise the refusal the caller gets. */
    Uni<java.util.Optional<Problem>> admit(Caller caller, String action, Resource resource);
}
