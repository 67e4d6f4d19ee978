package io.aicunet.tenant.adapter.rest;

import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.HttpCallers;
import io.aicunet.tenant.adapter.rest.TenantJson.CreateTenantBody;
import io.aicunet.tenant.adapter.rest.TenantJson.SuspendTenantBody;
import io.aicunet.tenant.adapter.rest.TenantJson.TenantBody;
import io.aicunet.tenant.adapter.rest.TenantJson.TenantPageBody;
import io.aicunet.tenant.adapter.rest.TenantJson.UpdateTenantBody;
import io.aicunet.tenant.application.tenants.CreateTenant;
import io.aicunet.tenant.application.tenants.GetTenant;
import io.aicunet.tenant.application.tenants.ListTenants;
import io.aicunet.tenant.application.tenants.ReactivateTenant;
import io.aicunet.tenant.application.tenants.SuspendTenant;
import io.aicunet.tenant.application.tenants.TenantCommands.CreateTenantCommand;
import io.aicunet.tenant.application.tenants.TenantCommands.GetTenantQuery;
import io.aicunet.tenant.application.tenants.TenantCommands.ListTenantsQuery;
import io.aicunet.tenant.application.tenants.TenantCommands.ReactivateTenantCommand;
import io.aicunet.tenant.application.tenants.TenantCommands.SuspendTenantCommand;
import io.aicunet.tenant.application.tenants.TenantCommands.UpdateTenantCommand;
import io.aicunet.tenant.application.tenants.UpdateTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.OptionalLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant API over REST, the same use cases as gRPC. Every call carries the
 * bearer token (and optionally x-aicunet-tenant, the tenant to act on); failures
 * are application/problem+json.
 */
@Path("/v1/tenants")
@Tag(name = "tenants")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class TenantResource {

    private final CreateTenant createTenant;
    private final GetTenant getTenant;
    private final ListTenants listTenants;
    private final UpdateTenant updateTenant;
    private final SuspendTenant suspendTenant;
    private final ReactivateTenant reactivateTenant;

    public TenantResource(CreateTenant createTenant, GetTenant getTenant, ListTenants listTenants,
                          UpdateTenant updateTenant, SuspendTenant suspendTenant,
                          ReactivateTenant reactivateTenant) {
        this.createTenant = createTenant;
        this.getTenant = getTenant;
        this.listTenants = listTenants;
        this.updateTenant = updateTenant;
        this.suspendTenant = suspendTenant;
        this.reactivateTenant = reactivateTenant;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Operation(summary = "Register a tenant",
            description = "Idempotent by the Idempotency-Key header: a retry returns the first result (200), "
                    + "the first call answers 201.")
    public Uni<Response> create(@Parameter(description = "1 to 128 characters, chosen by the client")
                                @HeaderParam("Idempotency-Key") String idempotencyKey,
                                CreateTenantBody body) {
        if (body == null) {
            return missingBody();
        }
        CreateTenantCommand command = new CreateTenantCommand(idempotencyKey, body.slug(), body.displayName(),
                body.region(), body.tier(), Optional.ofNullable(body.quotas()).map(TenantJson.QuotasBody::toInput),
                TenantJson.RetentionBody.toInputs(body.retention()));
        return HttpCallers.serve(caller -> createTenant.execute(caller, command),
                created -> Response.status(created.replayed() ? 200 : 201)
                        .entity(TenantBody.of(created.tenant()))
                        .header("Location", "/v1/tenants/" + created.tenant().id())
                        .build());
    }

    @GET
    @Path("/{tenantId}")
    @Operation(summary = "Read a tenant")
    public Uni<Response> get(@PathParam("tenantId") String tenantId) {
        return HttpCallers.serve(caller -> getTenant.execute(caller, new GetTenantQuery(tenantId)),
                tenant -> Response.ok(TenantBody.of(tenant)).build());
    }

    @GET
    @Operation(summary = "List tenants by slug, a page at a time")
    public Uni<Response> list(@QueryParam("page_size") @DefaultValue("0") int pageSize,
                              @QueryParam("page_token") String pageToken,
                              @QueryParam("status") String status) {
        ListTenantsQuery query = new ListTenantsQuery(pageSize, pageToken, Optional.ofNullable(status));
        return HttpCallers.serve(caller -> listTenants.execute(caller, query),
                page -> Response.ok(new TenantPageBody(
                        page.tenants().stream().map(TenantBody::of).toList(), page.nextPageToken())).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PATCH
    @Path("/{tenantId}")
    @Operation(summary = "Change display name, tier, quotas or retention",
            description = "With expected_version, only if the tenant is still at that version (else 409).")
    public Uni<Response> update(@PathParam("tenantId") String tenantId,
                                UpdateTenantBody body) {
        if (body == null) {
            return missingBody();
        }
        UpdateTenantCommand command = new UpdateTenantCommand(tenantId,
                body.expectedVersion() == null ? OptionalLong.empty() : OptionalLong.of(body.expectedVersion()),
                Optional.ofNullable(body.displayName()), Optional.ofNullable(body.tier()),
                Optional.ofNullable(body.quotas()).map(TenantJson.QuotasBody::toInput),
                TenantJson.RetentionBody.toInputs(body.retention()));
        return HttpCallers.serve(caller -> updateTenant.execute(caller, command),
                tenant -> Response.ok(TenantBody.of(tenant)).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("/{tenantId}/suspension")
    @Operation(summary = "Suspend an active tenant")
    public Uni<Response> suspend(@PathParam("tenantId") String tenantId,
                                 SuspendTenantBody body) {
        SuspendTenantCommand command = new SuspendTenantCommand(tenantId, body == null ? null : body.reason());
        return HttpCallers.serve(caller -> suspendTenant.execute(caller, command),
                tenant -> Response.ok(TenantBody.of(tenant)).build());
    }

    @POST
    @Path("/{tenantId}/reactivation")
    @Operation(summary = "Reactivate a suspended tenant")
    public Uni<Response> reactivate(@PathParam("tenantId") String tenantId) {
        return HttpCallers.serve(caller -> reactivateTenant.execute(caller, new ReactivateTenantCommand(tenantId)),
                tenant -> Response.ok(TenantBody.of(tenant)).build());
    }

    private static Uni<Response> missingBody() {
        return Uni.createFrom().item(HttpProblems.toResponse(
                Problem.InvalidArgument.of("body", "a JSON body is required")));
    }
}
