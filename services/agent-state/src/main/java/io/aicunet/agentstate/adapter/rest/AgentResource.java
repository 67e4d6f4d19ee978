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
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
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
    @Operation(summary = "Register an agent",
            description = "Idempotent by the Idempotency-Key header: a retry returns the first result (200), "
                    + "the first call answers 201.")
    public Uni<Response> register(@HeaderParam("Idempotency-Key") String key,
                                  RegisterAgentBody body) {
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
    @Operation(summary = "Read an agent")
    public Uni<Response> get(@PathParam("agentId") String agentId) {
        return HttpCallers.serve(caller -> getAgent.execute(caller, new GetAgentQuery(agentId)),
                agent -> Response.ok(AgentBody.of(agent)).build());
    }

    @POST
    @Path("/{agentId}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move an agent to another status",
            description = "Only legal transitions; with expected_version only at that version (409), with "
                    + "fencing_token only for the newest lease holder (409 stale-fencing-token).")
    public Uni<Response> changeStatus(@PathParam("agentId") String agentId,
                                      ChangeStatusBody body) {
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
    @Operation(summary = "Say the agent is alive", description = "503 when Redis does not answer.")
    public Uni<Response> heartbeat(@PathParam("agentId") String agentId) {
        return HttpCallers.serve(caller -> recordHeartbeat.execute(caller, new HeartbeatCommand(agentId)),
                lostAfter -> Response.ok(new HeartbeatBody(lostAfter.toMillis())).build());
    }

    @POST
    @Path("/{agentId}/lease")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Claim the agent's lease and a new fencing token", description = "503 without Redis.")
    public Uni<Response> claimLease(@PathParam("agentId") String agentId,
                                    ClaimLeaseBody body) {
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
    @Operation(summary = "Renew a lease this worker holds with this token")
    public Uni<Response> renewLease(@PathParam("agentId") String agentId,
                                    RenewLeaseBody body) {
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
    @Operation(summary = "Release a lease early", description = "204 also when the lease was no longer held.")
    public Uni<Response> releaseLease(@PathParam("agentId") String agentId,
                                      @QueryParam("worker_id") String workerId,
                                      @QueryParam("fencing_token") @DefaultValue("0") long fencingToken) {
        ReleaseLeaseCommand command = new ReleaseLeaseCommand(agentId, workerId, fencingToken);
        return HttpCallers.serve(caller -> releaseLease.execute(caller, command),
                released -> Response.noContent().build());
    }
}
