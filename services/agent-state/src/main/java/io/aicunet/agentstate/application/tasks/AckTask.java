package io.aicunet.agentstate.application.tasks;

import io.aicunet.agentstate.application.port.TaskQueues;
import io.aicunet.agentstate.application.tasks.TaskCommands.AckTaskCommand;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Marks a task done and removes it. Only the consumer that holds the task may: a
 * consumer whose task was reclaimed (it was too slow) is told so and changes nothing.
 */
@ApplicationScoped
public class AckTask {

    public static final String ACTION = "agent-state.tasks.ack";

    private final TaskAccess access;
    private final TaskQueues queues;

    public AckTask(TaskAccess access, TaskQueues queues) {
        this.access = access;
        this.queues = queues;
    }

    public Uni<Result<Boolean>> execute(Caller caller, AckTaskCommand command) {
        return access.onQueue(caller, command.queue(), ACTION, (tenant, violations) -> {
            AgentStateRules.checkTaskId(command.taskId(), violations);
            AgentStateRules.checkWorker("consumer", command.consumer(), violations);
        }, tenant -> queues.ack(tenant, command.queue(), command.taskId(), command.consumer()).map(outcome ->
                switch (outcome) {
                    case DONE, DEAD_LETTERED -> Result.ok(true);
                    case NOT_PENDING -> Result.failed(TaskAccess.notPending(command.taskId()));
                    case HELD_BY_OTHER -> Result.failed(TaskAccess.heldByOther(command.queue(), command.taskId()));
                }));
    }
}
