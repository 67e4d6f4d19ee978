package io.aicunet.agentstate.application.tasks;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.port.TaskQueues;
import io.aicunet.agentstate.application.tasks.TaskCommands.FailTaskCommand;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Gives a claimed task back: the next claim may take it at once, or, when it has been
 * handed out as often as allowed, it goes to the dead-letter stream with the reason
 * (encrypted with the tenant's data key: a consumer's reason may quote personal data).
 */
@ApplicationScoped
public class FailTask {

    public static final String ACTION = "agent-state.tasks.ack";

    private final TaskAccess access;
    private final TaskQueues queues;
    private final TenantCipher cipher;

    public FailTask(TaskAccess access, TaskQueues queues, TenantCipher cipher) {
        this.access = access;
        this.queues = queues;
        this.cipher = cipher;
    }

    /** Whether the task went to the dead-letter stream. */
    public Uni<Result<Boolean>> execute(Caller caller, FailTaskCommand command) {
        String reason = command.reason() == null ? "" : command.reason().trim();
        return access.onQueue(caller, command.queue(), ACTION, (tenant, violations) -> {
            AgentStateRules.checkTaskId(command.taskId(), violations);
            AgentStateRules.checkWorker("consumer", command.consumer(), violations);
            AgentStateRules.checkReason(command.reason(), violations);
        }, tenant -> sealedReason(tenant, reason).flatMap(sealed -> !sealed.isOk()
                ? AgentStateAccess.<Boolean>refuse(sealed.problem())
                : queues.fail(tenant, command.queue(), command.taskId(), command.consumer(), sealed.value())
                        .map(outcome -> switch (outcome) {
                            case DONE -> Result.ok(false);
                            case DEAD_LETTERED -> Result.ok(true);
                            case NOT_PENDING -> Result.failed(TaskAccess.notPending(command.taskId()));
                            case HELD_BY_OTHER -> Result.failed(TaskAccess.heldByOther(command.queue(),
                                    command.taskId()));
                        })));
    }

    private Uni<Result<String>> sealedReason(TenantId tenant, String reason) {
        if (reason.isEmpty()) {
            return Uni.createFrom().item(Result.ok(reason));
        }
        return cipher.currentKey(tenant).map(key -> key.map(k -> TenantCipher.seal(k, reason)));
    }
}
