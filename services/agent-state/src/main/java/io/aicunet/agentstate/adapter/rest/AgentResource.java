package io.aicunet.agentstate.adapter.rest;

import io.aicunet.agentstate.adapter.rest.AgentStateJson.AgentBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.ChangeStatusBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.ClaimLeaseBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.HeartbeatBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.LeaseBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.RegisterAgentBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.RegisteredBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.RenewLeaseBody;
import io.aicunet.agentstate.application.agents.AgentCommands.ChangeAgentStatusCommand;
import io.aicunet.agentstate.application.agents.AgentCommands.GetAgentQuery;
import io.aicunet.agentstate.application.agents.AgentCommands.HeartbeatCommand;
import io.aicunet.agentstate.application.agents.AgentCommands.RegisterAgentCommand;
import io.aicunet.agentstate.application.agents.ChangeAgentStatus;
import io.aicunet.agentstate.application.agents.GetAgent;
import io.aicunet.agentstate.application.agents.RecordHeartbeat;
import io.aicunet.agentstate.application.agents.RegisterAgent;
import io.aicunet.agentstate.application.leases.ClaimLease;
import io.aicunet.agentstate.application.leases.LeaseCommands.ClaimLeaseCommand;
import io.aicunet.agentstate.application.leases.LeaseCommands.ReleaseLeaseCommand;
import io.aicunet.agentstate.application.leases.LeaseCommands.RenewLeaseCommand;
import io.aicunet.agentstate.application.leases.ReleaseLease;
import io.aicunet.agentstate.application.leases.RenewLease;
import io.aicunet.platform.problem.QueryParameters;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Agents over REST: registration, status, heartbeats and leases; the same use cases
 * as gRPC. Every call carries a bearer token; failures are application/problem+json.
 * Watching an agent's status is gRPC only (WatchAgent).
 */
@Path("/v1/agents")
@Tag(name = "agents")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class AgentResource {

    private final RegisterAgent registerAgent;
    private final GetAgent getAgent;
    private final ChangeAgentStatus changeAgentStatus;
    private final RecordHeartbeat recordHeartbeat;
    private final ClaimLease claimLease;
    private final RenewLease renewLease;
    private final ReleaseLease releaseLease;

    public AgentResource(RegisterAgent registerAgent, GetAgent getAgent, ChangeAgentStatus changeAgentStatus,
                         RecordHeartbeat recordHeartbeat, ClaimLease claimLease, RenewLease renewLease,
                         ReleaseLease releaseLease) {
        this.registerAgent = registerAgent;
        this.getAgent = getAgent;
        this.changeAgentStatus = changeAgentStatus;
        this.recordHeartbeat = recordHeartbeat;
        this.claimLease = claimLease;
        this.renewLease = renewLease;
        this.releaseLease = releaseLease;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "registerAgent", summary = "Register an agent",
            description = "Idempotent by the Idempotency-Key header: a retry returns the first result (200), "
                    + "the first call answers 201.")
    @APIResponse(responseCode = "201", description = "Registered.",
            headers = @Header(name = "Location", required = true, description = "The agent's path.",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RegisteredBody.class)))
    @APIResponse(responseCode = "200", description = "A retry: the agent the first call registered.",
            headers = @Header(name = "Location", required = true, description = "The agent's path.",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RegisteredBody.class)))
    @APIResponse(responseCode = "409", description = "idempotency-key-reused: the key was used for another"
            + " registration.")
    public Uni<Response> register(
            @Parameter(in = ParameterIn.HEADER, name = "Idempotency-Key", required = true,
                    description = "Makes retries safe: " + AgentStateJson.IDEMPOTENCY_KEY_DESCRIPTION,
                    schema = @Schema(type = SchemaType.STRING, maxLength = 128, pattern = AgentStateJson.PRINTABLE_NOT_BLANK))
            @HeaderParam("Idempotency-Key") String key,
            @RequestBody(required = true) RegisterAgentBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        RegisterAgentCommand command = new RegisterAgentCommand(key, body.kind(), body.labels());
        return HttpCallers.serve(caller -> registerAgent.execute(caller, command),
                registered -> Response.status(registered.replayed() ? 200 : 201)
                        .entity(new RegisteredBody(AgentBody.of(registered.agent()), registered.replayed()))
                        .header("Location", "/v1/agents/" + registered.agent().id())
                        .build());
    }

    @GET
    @Path("/{agentId}")
    @Operation(operationId = "getAgent", summary = "Read an agent")
    @APIResponse(responseCode = "200", description = "The agent.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AgentBody.class)))
    @APIResponse(responseCode = "404", description = "No such agent in this tenant.")
    public Uni<Response> get(@Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId) {
        return HttpCallers.serve(caller -> getAgent.execute(caller, new GetAgentQuery(agentId)),
                agent -> Response.ok(AgentBody.of(agent)).build());
    }

    @POST
    @Path("/{agentId}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "changeAgentStatus", summary = "Move an agent to another status",
            description = "Only legal transitions; with expected_version only at that version (409), with "
                    + "fencing_token only for the newest lease holder (409 stale-fencing-token).")
    @APIResponse(responseCode = "200", description = "The agent in its new status.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AgentBody.class)))
    @APIResponse(responseCode = "404", description = "No such agent in this tenant.")
    @APIResponse(responseCode = "409", description = "illegal-status-transition, version-conflict or"
            + " stale-fencing-token.")
    public Uni<Response> changeStatus(@Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId,
                                      @RequestBody(required = true) ChangeStatusBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        ChangeAgentStatusCommand command = new ChangeAgentStatusCommand(agentId, body.status(),
                body.expectedVersion() == null ? OptionalLong.empty() : OptionalLong.of(body.expectedVersion()),
                AgentStateJson.orZero(body.fencingToken()), body.reason());
        return HttpCallers.serve(caller -> changeAgentStatus.execute(caller, command),
                agent -> Response.ok(AgentBody.of(agent)).build());
    }

    @POST
    @Path("/{agentId}/heartbeats")
    @Operation(operationId = "heartbeat", summary = "Say the agent is alive", description = "503 when Redis does not answer.")
    @APIResponse(responseCode = "200", description = "Recorded.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HeartbeatBody.class)))
    @APIResponse(responseCode = "404", description = "No such agent in this tenant.")
    @APIResponse(responseCode = "409", description = "agent-finished: the agent failed, completed or was"
            + " terminated.")
    public Uni<Response> heartbeat(@Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId) {
        return HttpCallers.serve(caller -> recordHeartbeat.execute(caller, new HeartbeatCommand(agentId)),
                lostAfter -> Response.ok(new HeartbeatBody(lostAfter.toMillis())).build());
    }

    @POST
    @Path("/{agentId}/lease")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "claimLease", summary = "Claim the agent's lease and a new fencing token", description = "503 without Redis.")
    @APIResponse(responseCode = "200", description = "The lease, with a new fencing token.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LeaseBody.class)))
    @APIResponse(responseCode = "404", description = "No such agent in this tenant.")
    @APIResponse(responseCode = "409", description = "lease-held by another worker, or agent-finished.")
    public Uni<Response> claimLease(@Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId,
                                    @RequestBody(required = true) ClaimLeaseBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        ClaimLeaseCommand command = new ClaimLeaseCommand(agentId, body.workerId(),
                AgentStateJson.orZero(body.ttlMillis()));
        return HttpCallers.serve(caller -> claimLease.execute(caller, command),
                lease -> Response.ok(new LeaseBody(lease.fencingToken(), lease.expiresAt())).build());
    }

    @PUT
    @Path("/{agentId}/lease")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "renewLease", summary = "Renew a lease this worker holds with this token", description = "503 without Redis.")
    @APIResponse(responseCode = "200", description = "The renewed lease.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LeaseBody.class)))
    @APIResponse(responseCode = "409", description = "lease-not-held: this worker does not hold the lease with"
            + " this token (any more).")
    public Uni<Response> renewLease(@Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId,
                                    @RequestBody(required = true) RenewLeaseBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        RenewLeaseCommand command = new RenewLeaseCommand(agentId, body.workerId(),
                AgentStateJson.orZero(body.fencingToken()), AgentStateJson.orZero(body.ttlMillis()));
        return HttpCallers.serve(caller -> renewLease.execute(caller, command),
                lease -> Response.ok(new LeaseBody(lease.fencingToken(), lease.expiresAt())).build());
    }

    @DELETE
    @Path("/{agentId}/lease")
    @Operation(operationId = "releaseLease", summary = "Release a lease early",
            description = "204 also when the lease was no longer held. 503 without Redis.")
    @APIResponse(responseCode = "204", description = "Released, or no longer held (also for an agent that does not"
            + " exist: leases live apart from agents).")
    public Uni<Response> releaseLease(@Parameter(in = ParameterIn.PATH, required = true, description = "The agent's id.",
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("agentId") String agentId,
                                      @Parameter(required = true, description = "The worker holding the lease.",
                                              schema = @Schema(type = SchemaType.STRING, pattern = AgentStateJson.WORKER))
                                      @QueryParam("worker_id") String workerId,
                                      @Parameter(required = true, description = "The token ClaimLease returned.",
                                              schema = @Schema(type = SchemaType.INTEGER, format = "int64",
                                                      minimum = "1"))
                                      @QueryParam("fencing_token") String fencingToken) {
        OptionalLong token = QueryParameters.wholeNumber(fencingToken, 0, Long.MIN_VALUE, Long.MAX_VALUE);
        if (token.isEmpty()) {
            return RestBodies.invalid("fencing_token", "must be an integer: the token ClaimLease returned");
        }
        ReleaseLeaseCommand command = new ReleaseLeaseCommand(agentId, workerId, token.getAsLong());
        return HttpCallers.serve(caller -> releaseLease.execute(caller, command),
                released -> Response.noContent().build());
    }
}
