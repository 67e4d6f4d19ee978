package io.aicunet.agentstate.application.tasks;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.port.HotState;
import io.aicunet.agentstate.application.port.TaskQueues;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The steps the task-queue use cases share: check the queue name and the rest of the
 * input, ask the policy about the queue, do the Redis work, and answer UNAVAILABLE
 * when Redis does not.
 */
@ApplicationScoped
public class TaskAccess {

    private final AgentStateAccess access;

    public TaskAccess(AgentStateAccess access) {
        this.access = access;
    }

    public <T> Uni<Result<T>> onQueue(Caller caller, String queue, String action,
                                      BiConsumer<TenantId, List<FieldViolation>> check,
                                      Function<TenantId, Uni<Result<T>>> work) {
        List<FieldViolation> violations = new ArrayList<>();
        AgentStateRules.checkQueue(queue, violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        check.accept(tenant.value(), violations);
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        Resource resource = Resource.owned(AgentStateAccess.QUEUE, queue, tenant.value());
        return access.authorized(caller, action, resource, () -> work.apply(tenant.value()))
                .onFailure(HotState.UnavailableException.class).recoverWithItem(failure -> Result.failed(
                        new Problem.Unavailable("task queues need Redis, which does not answer; retry")));
    }

    /** The setting that bounds a tenant's queues, named in the refusal. */
    static final String QUEUES_MAX_SETTING = "agent-state.tasks.queues-per-tenant-max";

    /** A new queue refused because the tenant has its maximum: the bound and the count, nothing created. */
    static Problem queuesAtMaximum(TenantId tenant, String queue, TaskQueues.Enqueued.QueuesAtMaximum bound) {
        return new Problem.ResourceExhausted(QUEUES_MAX_SETTING, "tenants/" + tenant + "/queues",
                bound.queuesMax(), bound.queues(), "the tenant has " + bound.queues() + " queues, its maximum is "
                        + bound.queuesMax() + " (" + QUEUES_MAX_SETTING + "); queue " + queue
                        + " was not created. A queue stops counting when its last task is acknowledged and it"
                        + " holds no dead-lettered tasks, or when it expires unused");
    }

    static Problem notPending(String taskId) {
        return new Problem.NotFound("task", taskId);
    }

    static Problem heldByOther(String queue, String taskId) {
        return new Problem.FailedPrecondition("TASK_NOT_HELD", "queues/" + queue + "/tasks/" + taskId,
                "another consumer holds this task now: it was reclaimed after the claim timeout");
    }
}
