package io.aicunet.agentstate.application.tasks;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.access.JsonDocuments;
import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.port.TaskQueues;
import io.aicunet.agentstate.application.tasks.TaskCommands.EnqueueTaskCommand;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.limits.StorageDecision;
import io.aicunet.platform.limits.TenantQuotas;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Appends a task to a queue, creating the queue on first use; refused when the queue
 * holds its maximum of tasks, or when the queue is new and the tenant already has its
 * maximum of queues ({@code agent-state.tasks.queues-per-tenant-max}, counted on Redis
 * for every replica at once). The payload is stored encrypted with the tenant's data key
 * (it may hold personal data); a tenant without a key is refused. The tenant's task
 * payloads, as stored, count against its storage quota on Redis, in the enqueue's own
 * script (docs/storage-quotas.md): one past it is RESOURCE_EXHAUSTED, nothing enqueued.
 */
@ApplicationScoped
public class EnqueueTask {

    public static final String ACTION = "agent-state.tasks.enqueue";

    private final TaskAccess access;
    private final TaskQueues queues;
    private final TenantCipher cipher;
    private final AgentStateServiceConfig.Tasks config;
    private final TenantQuotas quotas;

    public EnqueueTask(TaskAccess access, TaskQueues queues, TenantCipher cipher, TenantQuotas quotas,
                       AgentStateServiceConfig config) {
        this.access = access;
        this.quotas = quotas;
        this.queues = queues;
        this.cipher = cipher;
        this.config = config.tasks();
    }

    /** The new task's id. */
    public Uni<Result<String>> execute(Caller caller, EnqueueTaskCommand command) {
        return access.onQueue(caller, command.queue(), ACTION,
                (tenant, violations) -> JsonDocuments.check("payload_json", command.payloadJson(),
                        config.payloadBytesMax(), violations),
                tenant -> cipher.currentKey(tenant).flatMap(key -> !key.isOk()
                        ? AgentStateAccess.<String>refuse(key.problem())
                        : quotas.of(tenant).flatMap(quota -> queues.enqueue(tenant, command.queue(),
                                        TenantCipher.seal(key.value(), command.payloadJson()), quota.storageBytes()))
                                .map(enqueued -> answer(tenant, command.queue(), enqueued))));
    }

    private static Result<String> answer(TenantId tenant, String queue, TaskQueues.Enqueued enqueued) {
        if (enqueued instanceof TaskQueues.Enqueued.Added added) {
            return Result.ok(added.taskId());
        }
        if (enqueued instanceof TaskQueues.Enqueued.QueueFull full) {
            return Result.failed(new Problem.FailedPrecondition("QUEUE_FULL", "queues/" + queue,
                    "the queue holds its maximum of " + full.tasksMax() + " tasks; retry when consumers caught up"));
        }
        if (enqueued instanceof TaskQueues.Enqueued.OverStorageQuota over) {
            return Result.failed(new Problem.ResourceExhausted(StorageDecision.LIMIT,
                    "tenants/" + tenant + "/storage/agent-state/tasks", over.storageBytesMax(), over.storedBytes(),
                    "tenant " + tenant + " has " + over.storedBytes() + " bytes of task payloads of its storage quota"
                            + " of " + over.storageBytesMax() + "; this task of " + over.payloadBytes() + " bytes (as"
                            + " stored, encrypted) would pass it, so nothing was enqueued. Acknowledge tasks, or ask"
                            + " for a larger storage_bytes quota"));
        }
        return Result.failed(TaskAccess.queuesAtMaximum(tenant, queue, (TaskQueues.Enqueued.QueuesAtMaximum) enqueued));
    }
}
