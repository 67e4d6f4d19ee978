package io.aicunet.agentstate.adapter.rest;

import io.aicunet.agentstate.adapter.rest.AgentStateJson.ErasureBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.RetentionPolicyBody;
import io.aicunet.agentstate.application.privacy.EraseTenantData;
import io.aicunet.agentstate.application.privacy.PrivacyCommands.EraseTenantDataCommand;
import io.aicunet.agentstate.application.retention.GetRetentionPolicy;
import io.aicunet.agentstate.application.retention.RetentionCommands.GetRetentionPolicyQuery;
import io.aicunet.agentstate.application.retention.RetentionCommands.SetRetentionPolicyCommand;
import io.aicunet.agentstate.application.retention.SetRetentionPolicy;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A tenant's checkpoint retention and the erasure of its data, over REST. */
@Path("/v1/tenants/{tenantId}")
@Tag(name = "retention")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class RetentionResource {

    private final GetRetentionPolicy getRetentionPolicy;
    private final SetRetentionPolicy setRetentionPolicy;
    private final EraseTenantData eraseTenantData;

    public RetentionResource(GetRetentionPolicy getRetentionPolicy, SetRetentionPolicy setRetentionPolicy,
                             EraseTenantData eraseTenantData) {
        this.getRetentionPolicy = getRetentionPolicy;
        this.setRetentionPolicy = setRetentionPolicy;
        this.eraseTenantData = eraseTenantData;
    }

    @GET
    @Path("/retention-policy")
    @Operation(summary = "The tenant's retention of checkpoints")
    public Uni<Response> get(@PathParam("tenantId") String tenantId) {
        return HttpCallers.serve(caller -> getRetentionPolicy.execute(caller, new GetRetentionPolicyQuery(tenantId)),
                policy -> Response.ok(RetentionPolicyBody.of(policy)).build());
    }

    @PUT
    @Path("/retention-policy")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the tenant's retention of checkpoints")
    public Uni<Response> set(@PathParam("tenantId") String tenantId,
                             RetentionPolicyBody body) {
        if (body == null) {
            return RestBodies.missingBody();
        }
        SetRetentionPolicyCommand command = new SetRetentionPolicyCommand(tenantId,
                body.keepLastCheckpoints() == null ? 0 : body.keepLastCheckpoints(),
                AgentStateJson.orZero(body.idleThreadTtlSeconds()));
        return HttpCallers.serve(caller -> setRetentionPolicy.execute(caller, command),
                policy -> Response.ok(RetentionPolicyBody.of(policy)).build());
    }

    @POST
    @Path("/erasure")
    @Operation(summary = "Delete a bounded batch of the tenant's data",
            description = "Repeat until complete is true; repeating is always safe.")
    public Uni<Response> erase(@PathParam("tenantId") String tenantId) {
        return HttpCallers.serve(caller -> eraseTenantData.execute(caller, new EraseTenantDataCommand(tenantId)),
                erasure -> Response.ok(new ErasureBody(erasure.complete(), erasure.rowsDeleted())).build());
    }
}
