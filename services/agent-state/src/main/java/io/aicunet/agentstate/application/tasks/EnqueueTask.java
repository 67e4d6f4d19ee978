package io.aicunet.agentstate.application.tasks;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.access.JsonDocuments;
import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.port.TaskQueues;
import io.aicunet.agentstate.application.tasks.TaskCommands.EnqueueTaskCommand;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Appends a task to a queue; refused when the queue holds its maximum. The payload is
 * stored encrypted with the tenant's data key (it may hold personal data); a tenant
 * without a key is refused.
 */
@ApplicationScoped
public class EnqueueTask {

    public static final String ACTION = "agent-state.tasks.enqueue";

    private final TaskAccess access;
    private final TaskQueues queues;
    private final TenantCipher cipher;
    private final AgentStateServiceConfig.Tasks config;

    public EnqueueTask(TaskAccess access, TaskQueues queues, TenantCipher cipher, AgentStateServiceConfig config) {
        this.access = access;
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
                        : queues.enqueue(tenant, command.queue(), TenantCipher.seal(key.value(), command.payloadJson()))
                                .map(id -> id
                                        .<Result<String>>map(Result::ok)
                                        .orElseGet(() -> Result.failed(new Problem.FailedPrecondition("QUEUE_FULL",
                                                "queues/" + command.queue(), "the queue holds its maximum of "
                                                        + config.queueLengthMax()
                                                        + " tasks; retry when consumers caught up"))))));
    }
}
