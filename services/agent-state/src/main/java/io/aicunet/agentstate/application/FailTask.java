package io.aicunet.agentstate.application;

import io.aicunet.agentstate.application.AgentStateCommands.FailTaskCommand;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Gives a claimed task back: the next claim may take it at once, or, when it has been
 * handed out as often as allowed, it goes to the dead-letter stream with the reason.
 */
@ApplicationScoped
public class FailTask {

    public static final String ACTION = "agent-state.tasks.ack";

    private final TaskAccess access;
    private final TaskQueues queues;

    public FailTask(TaskAccess access, TaskQueues queues) {
        this.access = access;
        this.queues = queues;
    }

    /** Whether the task went to the dead-letter stream. */
    public Uni<Result<Boolean>> execute(Caller caller, FailTaskCommand command) {
        String reason = command.reason() == null ? "" : command.reason().trim();
        return access.onQueue(caller, command.queue(), ACTION, (tenant, violations) -> {
            AgentStateRules.checkTaskId(command.taskId(), violations);
            AgentStateRules.checkWorker("consumer", command.consumer(), violations);
            AgentStateRules.checkReason(command.reason(), violations);
        }, tenant -> queues.fail(tenant, command.queue(), command.taskId(), command.consumer(), reason)
                .map(outcome -> switch (outcome) {
                    case DONE -> Result.ok(false);
                    case DEAD_LETTERED -> Result.ok(true);
                    case NOT_PENDING -> Result.failed(TaskAccess.notPending(command.taskId()));
                    case HELD_BY_OTHER -> Result.failed(TaskAccess.heldByOther(command.queue(), command.taskId()));
                }));
    }
}
