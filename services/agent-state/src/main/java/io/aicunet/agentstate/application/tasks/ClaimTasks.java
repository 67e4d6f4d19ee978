package io.aicunet.agentstate.application.tasks;

import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.port.TaskQueues;
import io.aicunet.agentstate.application.tasks.TaskCommands.ClaimTasksCommand;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.agentstate.domain.Task;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands up to {@code count} tasks to a consumer: first tasks whose consumer went
 * silent past the claim timeout (reclaimed, as after a worker died), then new ones.
 * A task handed out more often than allowed goes to the dead-letter stream instead.
 * Payloads are decrypted with the tenant's (cached) data key.
 */
@ApplicationScoped
public class ClaimTasks {

    public static final String ACTION = "agent-state.tasks.claim";

    private final TaskAccess access;
    private final TaskQueues queues;
    private final TenantCipher cipher;
    private final AgentStateServiceConfig.Tasks config;

    public ClaimTasks(TaskAccess access, TaskQueues queues, TenantCipher cipher, AgentStateServiceConfig config) {
        this.access = access;
        this.queues = queues;
        this.cipher = cipher;
        this.config = config.tasks();
    }

    public Uni<Result<List<Task>>> execute(Caller caller, ClaimTasksCommand command) {
        int count = command.count() == 0 ? 1 : command.count();
        return access.onQueue(caller, command.queue(), ACTION, (tenant, violations) -> {
            AgentStateRules.checkWorker("consumer", command.consumer(), violations);
            if (count < 1 || count > config.claimCountMax()) {
                violations.add(new FieldViolation("count", "must be 1 to " + config.claimCountMax()));
            }
        }, tenant -> queues.claim(tenant, command.queue(), command.consumer(), count).flatMap(tasks -> cipher
                .openAll(tenant, tasks.stream().map(Task::payloadJson).toList())
                .map(payloads -> payloads.map(plain -> {
                    List<Task> opened = new ArrayList<>(tasks.size());
                    for (int i = 0; i < tasks.size(); i++) {
                        opened.add(new Task(tasks.get(i).id(), plain.get(i), tasks.get(i).deliveries()));
                    }
                    return opened;
                }))));
    }
}
