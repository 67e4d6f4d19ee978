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
import io.aicunet.platform.problem.QueryParameters;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.OptionalLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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
    @Operation(operationId = "enqueueTask", summary = "Append a task to the queue", description = "503 when Redis does not answer.")
    @APIResponse(responseCode = "201", description = "Appended.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TaskIdBody.class)))
    @APIResponse(responseCode = "409", description = "queue-full, or key-unavailable (the tenant has no data key"
            + " to store the payload with).")
    @APIResponse(responseCode = "429", description = "resource-exhausted: the queue does not exist and the tenant"
            + " already has its maximum of queues (agent-state.tasks.queues-per-tenant-max); the problem names the"
            + " setting (limit), its value (bound) and the tenant's queues now (current). Nothing was created.")
    public Uni<Response> enqueue(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The queue: 1 to 64 lower-case letters,"
                    + " digits, '.', '_' and '-', starting with a letter or digit.",
                    schema = @Schema(type = SchemaType.STRING, pattern = AgentStateJson.QUEUE)) @PathParam("queue") String queue,
            @RequestBody(required = true) EnqueueTaskBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        return HttpCallers.serve(caller -> enqueueTask.execute(caller, new EnqueueTaskCommand(queue, body.payloadJson())),
                taskId -> Response.status(201).entity(new TaskIdBody(taskId)).build());
    }

    @POST
    @Path("/claims")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "claimTasks", summary = "Claim tasks for a consumer: reclaimed ones first, then new ones",
            description = "503 when Redis does not answer.")
    @APIResponse(responseCode = "200", description = "The claimed tasks, possibly none.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = TaskBody.class)))
    @APIResponse(responseCode = "409", description = "key-unavailable: the tenant has no data key to read the"
            + " payloads with.")
    public Uni<Response> claim(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The queue: 1 to 64 lower-case letters,"
                    + " digits, '.', '_' and '-', starting with a letter or digit.",
                    schema = @Schema(type = SchemaType.STRING, pattern = AgentStateJson.QUEUE)) @PathParam("queue") String queue,
            @RequestBody(required = true) ClaimTasksBody body) {
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
    @Operation(operationId = "ackTask", summary = "Mark a task this consumer holds as done", description = "503 when Redis does not answer.")
    @APIResponse(responseCode = "204", description = "Done.")
    @APIResponse(responseCode = "404", description = "No such task waiting for an acknowledgement in this queue.")
    @APIResponse(responseCode = "409", description = "task-not-held: another consumer holds the task now.")
    public Uni<Response> ack(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The queue: 1 to 64 lower-case letters,"
                    + " digits, '.', '_' and '-', starting with a letter or digit.",
                    schema = @Schema(type = SchemaType.STRING, pattern = AgentStateJson.QUEUE)) @PathParam("queue") String queue,
            @Parameter(in = ParameterIn.PATH, required = true, description = "The task's id, as EnqueueTask returned it.",
                    schema = @Schema(type = SchemaType.STRING, pattern = AgentStateJson.TASK_ID)) @PathParam("taskId") String taskId,
            @RequestBody(required = true) ConsumerBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        return HttpCallers.serve(caller -> ackTask.execute(caller, new AckTaskCommand(queue, taskId, body.consumer())),
                acked -> Response.noContent().build());
    }

    @POST
    @Path("/tasks/{taskId}/failure")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "failTask", summary = "Give a task back for another try, or to the dead-letter stream when out of tries",
            description = "503 when Redis does not answer.")
    @APIResponse(responseCode = "200", description = "Given back.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeadLetteredBody.class)))
    @APIResponse(responseCode = "404", description = "No such task waiting for an acknowledgement in this queue.")
    @APIResponse(responseCode = "409", description = "task-not-held (another consumer holds the task now), or"
            + " key-unavailable (the tenant has no data key to store the reason with).")
    public Uni<Response> fail(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The queue: 1 to 64 lower-case letters,"
                    + " digits, '.', '_' and '-', starting with a letter or digit.",
                    schema = @Schema(type = SchemaType.STRING, pattern = AgentStateJson.QUEUE)) @PathParam("queue") String queue,
            @Parameter(in = ParameterIn.PATH, required = true, description = "The task's id, as EnqueueTask returned it.",
                    schema = @Schema(type = SchemaType.STRING, pattern = AgentStateJson.TASK_ID)) @PathParam("taskId") String taskId,
            @RequestBody(required = true) ConsumerBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        return HttpCallers.serve(caller -> failTask.execute(caller, new FailTaskCommand(queue, taskId, body.consumer(), body.reason())),
                deadLettered -> Response.ok(new DeadLetteredBody(deadLettered)).build());
    }

    @GET
    @Path("/dead-tasks")
    @Operation(operationId = "listDeadTasks", summary = "The oldest dead-lettered tasks of the queue", description = "503 when Redis does not answer.")
    @APIResponse(responseCode = "200", description = "The oldest dead tasks, possibly none.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = DeadTaskBody.class)))
    @APIResponse(responseCode = "409", description = "key-unavailable: the tenant has no data key to read the"
            + " payloads with.")
    public Uni<Response> dead(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The queue: 1 to 64 lower-case letters,"
                    + " digits, '.', '_' and '-', starting with a letter or digit.",
                    schema = @Schema(type = SchemaType.STRING, pattern = AgentStateJson.QUEUE)) @PathParam("queue") String queue,
            @Parameter(description = "Tasks at most: 1 to 100; 0 or absent: 20.",
                    schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0", maximum = "100"))
            @QueryParam("page_size") String pageSize) {
        OptionalLong size = QueryParameters.wholeNumber(pageSize, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (size.isEmpty()) {
            return RestBodies.invalid("page_size", "must be an integer from 0 to 100");
        }
        ListDeadTasksQuery query = new ListDeadTasksQuery(queue, (int) size.getAsLong());
        return HttpCallers.serve(caller -> listDeadTasks.execute(caller, query),
                tasks -> Response.ok(tasks.stream().map(DeadTaskBody::of).toList()).build());
    }
}
