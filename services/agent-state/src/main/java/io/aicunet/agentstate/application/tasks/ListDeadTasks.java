package io.aicunet.agentstate.application.tasks;

import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.port.TaskQueues;
import io.aicunet.agentstate.application.tasks.TaskCommands.ListDeadTasksQuery;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.DeadTask;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** The oldest tasks of a queue's dead-letter stream, payloads and reasons decrypted. */
@ApplicationScoped
public class ListDeadTasks {

    public static final String ACTION = "agent-state.tasks.read";

    private final TaskAccess access;
    private final TaskQueues queues;
    private final TenantCipher cipher;
    private final AgentStateServiceConfig config;

    public ListDeadTasks(TaskAccess access, TaskQueues queues, TenantCipher cipher, AgentStateServiceConfig config) {
        this.access = access;
        this.queues = queues;
        this.cipher = cipher;
        this.config = config;
    }

    public Uni<Result<List<DeadTask>>> execute(Caller caller, ListDeadTasksQuery query) {
        int pageSize = query.pageSize() == 0 ? config.pageSizeDefault() : query.pageSize();
        return access.onQueue(caller, query.queue(), ACTION, (tenant, violations) -> {
            if (pageSize < 1 || pageSize > config.pageSizeMax()) {
                violations.add(new FieldViolation("page_size", "must be 1 to " + config.pageSizeMax()));
            }
        }, tenant -> queues.dead(tenant, query.queue(), pageSize).flatMap(tasks -> {
            List<String> sealed = new ArrayList<>(tasks.size() * 2);
            tasks.forEach(task -> {
                sealed.add(task.payloadJson());
                sealed.add(task.reason());
            });
            return cipher.openAll(tenant, sealed).map(opened -> opened.map(plain -> {
                List<DeadTask> dead = new ArrayList<>(tasks.size());
                for (int i = 0; i < tasks.size(); i++) {
                    DeadTask task = tasks.get(i);
                    dead.add(new DeadTask(task.id(), task.taskId(), plain.get(2 * i), task.deliveries(),
                            plain.get(2 * i + 1)));
                }
                return dead;
            }));
        }));
    }
}
