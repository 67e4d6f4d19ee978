package io.aicunet.agentstate.adapter.rest;

import io.aicunet.agentstate.adapter.rest.AgentStateJson.CheckpointBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.CheckpointPageBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.CheckpointSummaryBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.ForkThreadBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.SaveCheckpointBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.SavedBody;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.ForkThreadCommand;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.GetCheckpointQuery;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.GetLatestCheckpointQuery;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.ListCheckpointsQuery;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.SaveCheckpointCommand;
import io.aicunet.agentstate.application.checkpoints.ForkThread;
import io.aicunet.agentstate.application.checkpoints.GetCheckpoint;
import io.aicunet.agentstate.application.checkpoints.GetLatestCheckpoint;
import io.aicunet.agentstate.application.checkpoints.ListCheckpoints;
import io.aicunet.agentstate.application.checkpoints.SaveCheckpoint;
import io.aicunet.platform.problem.QueryParameters;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
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

/** An agent's threads and checkpoints over REST; the same use cases as gRPC. */
@Path("/v1/agents/{agentId}/threads/{threadId}")
@Tag(name = "checkpoints")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class CheckpointResource {

    private final SaveCheckpoint saveCheckpoint;
    private final GetLatestCheckpoint getLatestCheckpoint;
    private final GetCheckpoint getCheckpoint;
    private final ListCheckpoints listCheckpoints;
    private final ForkThread forkThread;

    public CheckpointResource(SaveCheckpoint saveCheckpoint, GetLatestCheckpoint getLatestCheckpoint,
                              GetCheckpoint getCheckpoint, ListCheckpoints listCheckpoints, ForkThread forkThread) {
        this.saveCheckpoint = saveCheckpoint;
        this.getLatestCheckpoint = getLatestCheckpoint;
        this.getCheckpoint = getCheckpoint;
        this.listCheckpoints = listCheckpoints;
        this.forkThread = forkThread;
    }

    @POST
    @Path("/checkpoints")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "saveCheckpoint", summary = "Save a checkpoint as the thread's next version",
            description = "Compare-and-set on expected_version (0 starts the thread): 409 version-conflict with "
                    + "current_version when the thread moved on. Optional Idempotency-Key: a retry returns the "
                    + "first result (200); the first save answers 201.")
    @APIResponse(responseCode = "201", description = "Saved as the thread's next version.", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SavedBody.class)))
    @APIResponse(responseCode = "200", description = "A retry: the checkpoint the first call saved.", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SavedBody.class)))
    @APIResponse(responseCode = "404", description = "No such agent in this tenant, or the thread belongs to"
            + " another agent.")
    @APIResponse(responseCode = "409", description = "version-conflict (with `current_version` and"
            + " `expected_version`), thread-id-taken, stale-fencing-token, idempotency-key-in-use,"
            + " idempotency-key-reused, or key-unavailable (the tenant has no data key).")
    public Uni<Response> save(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId,
            @Parameter(in = ParameterIn.PATH, required = true, description = "The thread's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("threadId") String threadId,
            @Parameter(in = ParameterIn.HEADER, name = "Idempotency-Key", description = "Makes retries safe:"
                    + " " + AgentStateJson.IDEMPOTENCY_KEY_DESCRIPTION + " Empty or absent: none.",
                    schema = @Schema(type = SchemaType.STRING, maxLength = 128, pattern = AgentStateJson.PRINTABLE_NOT_BLANK_OR_EMPTY))
            @HeaderParam("Idempotency-Key") String key,
            @RequestBody(required = true) SaveCheckpointBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        SaveCheckpointCommand command = new SaveCheckpointCommand(agentId, threadId,
                AgentStateJson.orZero(body.expectedVersion()), body.stateJson(),
                body.metadata() == null ? Map.of() : body.metadata(), AgentStateJson.orZero(body.fencingToken()),
                key);
        return HttpCallers.serve(caller -> saveCheckpoint.execute(caller, command), outcome -> {
            if (outcome instanceof SaveCheckpoint.VersionConflict conflict) {
                Map<String, Object> problem = new LinkedHashMap<>(HttpProblems.toBody(conflict.problem()));
                problem.put("current_version", conflict.currentVersion());
                problem.put("expected_version", conflict.expectedVersion());
                return Response.status(409).type(HttpProblems.PROBLEM_JSON).entity(problem).build();
            }
            SaveCheckpoint.Saved saved = (SaveCheckpoint.Saved) outcome;
            return Response.status(saved.replayed() ? 200 : 201)
                    .entity(new SavedBody(CheckpointSummaryBody.of(saved.checkpoint()), saved.replayed()))
                    .build();
        });
    }

    @GET
    @Path("/checkpoints/latest")
    @Operation(operationId = "getLatestCheckpoint", summary = "Load the thread's latest checkpoint")
    @APIResponse(responseCode = "200", description = "The checkpoint with its state.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CheckpointBody.class)))
    @APIResponse(responseCode = "404", description = "No such thread of this agent in this tenant.")
    @APIResponse(responseCode = "409", description = "key-unavailable: the tenant has no data key to read the state"
            + " with.")
    public Uni<Response> latest(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId,
            @Parameter(in = ParameterIn.PATH, required = true, description = "The thread's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("threadId") String threadId) {
        return HttpCallers.serve(caller -> getLatestCheckpoint.execute(caller, new GetLatestCheckpointQuery(agentId, threadId)),
                checkpoint -> Response.ok(CheckpointBody.of(checkpoint)).build());
    }

    @GET
    @Path("/checkpoints/{checkpointId}")
    @Operation(operationId = "getCheckpoint", summary = "Load one checkpoint of the thread")
    @APIResponse(responseCode = "200", description = "The checkpoint with its state.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CheckpointBody.class)))
    @APIResponse(responseCode = "404", description = "No such checkpoint of this thread and agent in this tenant.")
    @APIResponse(responseCode = "409", description = "key-unavailable: the tenant has no data key to read the state"
            + " with.")
    public Uni<Response> get(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId,
            @Parameter(in = ParameterIn.PATH, required = true, description = "The thread's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("threadId") String threadId,
            @Parameter(in = ParameterIn.PATH, required = true, description = "The checkpoint's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("checkpointId") String checkpointId) {
        return HttpCallers.serve(caller -> getCheckpoint.execute(caller, new GetCheckpointQuery(agentId, threadId, checkpointId)),
                checkpoint -> Response.ok(CheckpointBody.of(checkpoint)).build());
    }

    @GET
    @Path("/checkpoints")
    @Operation(operationId = "listCheckpoints", summary = "The thread's history, newest first, a page at a time")
    @APIResponse(responseCode = "200", description = "A page of checkpoints without their states.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CheckpointPageBody.class)))
    @APIResponse(responseCode = "404", description = "No such thread of this agent in this tenant.")
    public Uni<Response> list(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId,
            @Parameter(in = ParameterIn.PATH, required = true, description = "The thread's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("threadId") String threadId,
            @Parameter(description = "Checkpoints per page: 1 to 100; 0 or absent: 20.",
                    schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0", maximum = "100"))
            @QueryParam("page_size") String pageSize,
            @Parameter(description = "The `next_page_token` of the previous page (an opaque token; no other"
                    + " value is accepted); empty or absent: the first page.",
                    schema = @Schema(type = SchemaType.STRING, pattern = ListCheckpoints.PAGE_TOKEN_PATTERN))
            @QueryParam("page_token") String pageToken) {
        OptionalLong size = QueryParameters.wholeNumber(pageSize, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (size.isEmpty()) {
            return RestBodies.invalid("page_size", "must be an integer from 0 to 100");
        }
        ListCheckpointsQuery query = new ListCheckpointsQuery(agentId, threadId, (int) size.getAsLong(), pageToken);
        return HttpCallers.serve(caller -> listCheckpoints.execute(caller, query),
                page -> Response.ok(new CheckpointPageBody(
                        page.checkpoints().stream().map(CheckpointSummaryBody::of).toList(), page.nextPageToken()))
                        .build());
    }

    @POST
    @Path("/checkpoints/{checkpointId}/forks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "forkThread", summary = "Start a new thread from this checkpoint",
            description = "The new thread's first checkpoint holds this checkpoint's state. Optional Idempotency-Key:"
                    + " a retry returns the first result (200); the first fork answers 201.")
    @APIResponse(responseCode = "201", description = "Forked: the new thread's first checkpoint.", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SavedBody.class)))
    @APIResponse(responseCode = "200", description = "A retry: the checkpoint the first call made.", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SavedBody.class)))
    @APIResponse(responseCode = "404", description = "No such checkpoint of this thread and agent in this tenant.")
    @APIResponse(responseCode = "409", description = "thread-id-taken, idempotency-key-in-use or"
            + " idempotency-key-reused.")
    public Uni<Response> fork(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId,
            @Parameter(in = ParameterIn.PATH, required = true, description = "The thread's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("threadId") String threadId,
            @Parameter(in = ParameterIn.PATH, required = true, description = "The checkpoint's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("checkpointId") String checkpointId,
            @Parameter(in = ParameterIn.HEADER, name = "Idempotency-Key", description = "Makes retries safe:"
                    + " " + AgentStateJson.IDEMPOTENCY_KEY_DESCRIPTION + " Empty or absent: none.",
                    schema = @Schema(type = SchemaType.STRING, maxLength = 128, pattern = AgentStateJson.PRINTABLE_NOT_BLANK_OR_EMPTY))
            @HeaderParam("Idempotency-Key") String key,
            @RequestBody(required = false) ForkThreadBody body) {
        ForkThreadCommand command = new ForkThreadCommand(agentId, threadId, checkpointId,
                body == null ? null : body.newThreadId(), key);
        return HttpCallers.serve(caller -> forkThread.execute(caller, command),
                forked -> Response.status(forked.replayed() ? 200 : 201)
                        .entity(new SavedBody(CheckpointSummaryBody.of(forked.checkpoint()), forked.replayed()))
                        .build());
    }
}
