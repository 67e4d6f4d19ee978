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
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
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
    @Operation(summary = "Save a checkpoint as the thread's next version",
            description = "Compare-and-set on expected_version (0 starts the thread): 409 version-conflict with "
                    + "current_version when the thread moved on. Optional Idempotency-Key: a retry returns the "
                    + "first result (200); the first save answers 201.")
    public Uni<Response> save(@PathParam("agentId") String agentId,
                              @PathParam("threadId") String threadId, @HeaderParam("Idempotency-Key") String key,
                              SaveCheckpointBody body) {
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
    @Operation(summary = "Load the thread's latest checkpoint")
    public Uni<Response> latest(@PathParam("agentId") String agentId,
                                @PathParam("threadId") String threadId) {
        return HttpCallers.serve(caller -> getLatestCheckpoint.execute(caller, new GetLatestCheckpointQuery(agentId, threadId)),
                checkpoint -> Response.ok(CheckpointBody.of(checkpoint)).build());
    }

    @GET
    @Path("/checkpoints/{checkpointId}")
    @Operation(summary = "Load one checkpoint of the thread")
    public Uni<Response> get(@PathParam("agentId") String agentId,
                             @PathParam("threadId") String threadId, @PathParam("checkpointId") String checkpointId) {
        return HttpCallers.serve(caller -> getCheckpoint.execute(caller, new GetCheckpointQuery(agentId, threadId, checkpointId)),
                checkpoint -> Response.ok(CheckpointBody.of(checkpoint)).build());
    }

    @GET
    @Path("/checkpoints")
    @Operation(summary = "The thread's history, newest first, a page at a time")
    public Uni<Response> list(@PathParam("agentId") String agentId,
                              @PathParam("threadId") String threadId,
                              @QueryParam("page_size") @DefaultValue("0") int pageSize,
                              @QueryParam("page_token") String pageToken) {
        ListCheckpointsQuery query = new ListCheckpointsQuery(agentId, threadId, pageSize, pageToken);
        return HttpCallers.serve(caller -> listCheckpoints.execute(caller, query),
                page -> Response.ok(new CheckpointPageBody(
                        page.checkpoints().stream().map(CheckpointSummaryBody::of).toList(), page.nextPageToken()))
                        .build());
    }

    @POST
    @Path("/checkpoints/{checkpointId}/forks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a new thread from this checkpoint", description = "Optional Idempotency-Key.")
    public Uni<Response> fork(@PathParam("agentId") String agentId,
                              @PathParam("threadId") String threadId, @PathParam("checkpointId") String checkpointId,
                              @HeaderParam("Idempotency-Key") String key, ForkThreadBody body) {
        ForkThreadCommand command = new ForkThreadCommand(agentId, threadId, checkpointId,
                body == null ? null : body.newThreadId(), key);
        return HttpCallers.serve(caller -> forkThread.execute(caller, command),
                forked -> Response.status(forked.replayed() ? 200 : 201)
                        .entity(new SavedBody(CheckpointSummaryBody.of(forked.checkpoint()), forked.replayed()))
                        .build());
    }
}
