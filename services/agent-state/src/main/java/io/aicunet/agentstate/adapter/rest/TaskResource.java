package io.aicunet.agentstate.adapter.rest;

import io.aicunet.agentstate.adapter.rest.AgentStateJson.ClaimTasksBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.ConsumerBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.DeadLetteredBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.DeadTaskBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.EnqueueTaskBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.TaskBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.TaskIdBody;
import io.aicunet.agentstate.application.tasks.AckTask;
import io.aicunet.agentstate.application.tasks.ClaimTasks;
import io.aicunet.agentstate.application.tasks.EnqueueTask;
import io.aicunet.agentstate.application.tasks.FailTask;
import io.aicunet.agentstate.application.tasks.ListDeadTasks;
import io.aicunet.agentstate.application.tasks.TaskCommands.AckTaskCommand;
import io.aicunet.agentstate.application.tasks.TaskCommands.ClaimTasksCommand;
import io.aicunet.agentstate.application.tasks.TaskCommands.EnqueueTaskCommand;
import io.aicunet.agentstate.application.tasks.TaskCommands.FailTaskCommand;
import io.aicunet.agentstate.application.tasks.TaskCommands.ListDeadTasksQuery;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Task queues over REST; the same use cases as gRPC. 503 when Redis does not answer. */
@Path("/v1/queues/{queue}")
@Tag(name = "tasks")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class TaskResource {

    private final EnqueueTask enqueueTask;
    private final ClaimTasks claimTasks;
    private final AckTask ackTask;
    private final FailTask failTask;
    private final ListDeadTasks listDeadTasks;

    public TaskResource(EnqueueTask enqueueTask, ClaimTasks claimTasks, AckTask ackTask, FailTask failTask,
                        ListDeadTasks listDeadTasks) {
        this.enqueueTask = enqueueTask;
        this.claimTasks = claimTasks;
        this.ackTask = ackTask;
        this.failTask = failTask;
        this.listDeadTasks = listDeadTasks;
    }

    @POST
    @Path("/tasks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Append a task to the queue")
    public Uni<Response> enqueue(@PathParam("queue") String queue,
                                 EnqueueTaskBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        return HttpCallers.serve(caller -> enqueueTask.execute(caller, new EnqueueTaskCommand(queue, body.payloadJson())),
                taskId -> Response.status(201).entity(new TaskIdBody(taskId)).build());
    }

    @POST
    @Path("/claims")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Claim tasks for a consumer: reclaimed ones first, then new ones")
    public Uni<Response> claim(@PathParam("queue") String queue, ClaimTasksBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        ClaimTasksCommand command = new ClaimTasksCommand(queue, body.consumer(),
                body.count() == null ? 0 : body.count());
        return HttpCallers.serve(caller -> claimTasks.execute(caller, command),
                tasks -> Response.ok(tasks.stream().map(TaskBody::of).toList()).build());
    }

    @POST
    @Path("/tasks/{taskId}/ack")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mark a task this consumer holds as done")
    public Uni<Response> ack(@PathParam("queue") String queue,
                             @PathParam("taskId") String taskId, ConsumerBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        return HttpCallers.serve(caller -> ackTask.execute(caller, new AckTaskCommand(queue, taskId, body.consumer())),
                acked -> Response.noContent().build());
    }

    @POST
    @Path("/tasks/{taskId}/failure")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Give a task back for another try, or to the dead-letter stream when out of tries")
    public Uni<Response> fail(@PathParam("queue") String queue,
                              @PathParam("taskId") String taskId, ConsumerBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        return HttpCallers.serve(caller -> failTask.execute(caller, new FailTaskCommand(queue, taskId, body.consumer(), body.reason())),
                deadLettered -> Response.ok(new DeadLetteredBody(deadLettered)).build());
    }

    @GET
    @Path("/dead-tasks")
    @Operation(summary = "The oldest dead-lettered tasks of the queue")
    public Uni<Response> dead(@PathParam("queue") String queue,
                              @QueryParam("page_size") @DefaultValue("0") int pageSize) {
        return HttpCallers.serve(caller -> listDeadTasks.execute(caller, new ListDeadTasksQuery(queue, pageSize)),
                tasks -> Response.ok(tasks.stream().map(DeadTaskBody::of).toList()).build());
    }
}
