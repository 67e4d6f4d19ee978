package io.aicunet.agentstate.adapter.rest;

import io.aicunet.agentstate.adapter.rest.AgentStateJson.ErasureBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.RetentionPolicyBody;
import io.aicunet.agentstate.adapter.rest.AgentStateJson.SetRetentionPolicyBody;
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
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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
    @Operation(operationId = "getRetentionPolicy", summary = "The tenant's retention of checkpoints",
            description = "The service's default policy for a tenant that set none.")
    @APIResponse(responseCode = "200", description = "The policy.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RetentionPolicyBody.class)))
    public Uni<Response> get(@Parameter(in = ParameterIn.PATH, required = true, description = "The tenant's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("tenantId") String tenantId) {
        return HttpCallers.serve(caller -> getRetentionPolicy.execute(caller, new GetRetentionPolicyQuery(tenantId)),
                policy -> Response.ok(RetentionPolicyBody.of(policy)).build());
    }

    @PUT
    @Path("/retention-policy")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "setRetentionPolicy", summary = "Set the tenant's retention of checkpoints")
    @APIResponse(responseCode = "200", description = "The policy now in force.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RetentionPolicyBody.class)))
    public Uni<Response> set(
            @Parameter(in = ParameterIn.PATH, required = true, description = "The tenant's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("tenantId") String tenantId,
            @RequestBody(required = true) SetRetentionPolicyBody body) {
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
    @Operation(operationId = "eraseTenantData", summary = "Delete a bounded batch of the tenant's data",
            description = "Repeat until complete is true; repeating is always safe. Only the tenant service may"
                    + " erase (when it offboards a tenant); 503 when Redis does not answer.")
    @APIResponse(responseCode = "200", description = "A batch was deleted.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErasureBody.class)))
    public Uni<Response> erase(@Parameter(in = ParameterIn.PATH, required = true, description = "The tenant's id.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("tenantId") String tenantId) {
        return HttpCallers.serve(caller -> eraseTenantData.execute(caller, new EraseTenantDataCommand(tenantId)),
                erasure -> Response.ok(new ErasureBody(erasure.complete(), erasure.rowsDeleted())).build());
    }
}
