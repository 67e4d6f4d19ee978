package io.aicunet.tenant.adapter.rest;

import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.QueryParameters;
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
import io.aicunet.tenant.domain.TenantRules;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
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
import java.util.OptionalLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.links.Link;
import org.eclipse.microprofile.openapi.annotations.links.LinkParameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant API over REST, the same use cases as gRPC. Every call carries the
 * bearer token (and optionally x-aicunet-tenant, the tenant to act on); failures
 * are application/problem+json. The OpenAPI annotations name every success and every
 * error of the use case behind each operation (platform's FleetOpenApi adds the ones
 * every operation shares: 400, 401, 403, 415, 500, 503), and TenantJson's and
 * TenantOpenApi's schemas say exactly what the use cases accept.
 */
@Path(TenantResource.PATH)
@Tag(name = "tenants")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class TenantResource {

    static final String PATH = "/v1/tenants";

    private static final String TENANT_ID = "tenantId";
    /** A next_page_token: a slug, or empty. */
    private static final String PAGE_TOKEN_PATTERN = "^([a-z0-9][a-z0-9-]{" + (TenantRules.SLUG_LENGTH_MIN - 2) + ","
            + (TenantRules.SLUG_LENGTH_MAX - 2) + "}[a-z0-9])?$";
    private static final String TENANT_ID_FROM_BODY = "$response.body#/id";
    private static final String NOT_FOUND = "No such tenant (or not one the caller may see).";
    private static final String CONFLICT = "The tenant's status does not allow this: "
            + "failed-precondition/illegal-status-transition or failed-precondition/tenant-not-changeable.";

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
    @Operation(operationId = "createTenant", summary = "Register a tenant",
            description = "Idempotent by the Idempotency-Key header: a retry returns the first result (200), "
                    + "the first call answers 201.")
    @APIResponse(responseCode = "201", description = "Registered.",
            headers = @Header(name = "Location", description = "The new tenant's path.", required = true,
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantBody.class)),
            links = {
                    @Link(name = "getTenant", operationId = "getTenant",
                            parameters = @LinkParameter(name = TENANT_ID, expression = TENANT_ID_FROM_BODY)),
                    @Link(name = "updateTenant", operationId = "updateTenant",
                            parameters = @LinkParameter(name = TENANT_ID, expression = TENANT_ID_FROM_BODY)),
                    @Link(name = "suspendTenant", operationId = "suspendTenant",
                            parameters = @LinkParameter(name = TENANT_ID, expression = TENANT_ID_FROM_BODY)),
                    @Link(name = "reactivateTenant", operationId = "reactivateTenant",
                            parameters = @LinkParameter(name = TENANT_ID, expression = TENANT_ID_FROM_BODY))})
    @APIResponse(responseCode = "200", description = "A retry with the same Idempotency-Key and request:"
            + " the tenant the first call registered.",
            headers = @Header(name = "Location", description = "The tenant's path.", required = true,
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantBody.class)))
    @APIResponse(responseCode = "409", description = "conflict/slug-taken: another tenant has the slug;"
            + " conflict/idempotency-key-reused: the key was used for a different request.")
    public Uni<Response> create(@Parameter(name = "Idempotency-Key", in = ParameterIn.HEADER, required = true,
                                        description = "Chosen by the client; a retry with the same key and request"
                                                + " returns the first result.",
                                        schema = @Schema(type = SchemaType.STRING, minLength = 1,
                                                maxLength = TenantRules.IDEMPOTENCY_KEY_LENGTH_MAX,
                                                pattern = TenantRules.TEXT_PATTERN))
                                @HeaderParam("Idempotency-Key") String idempotencyKey,
                                @RequestBody(required = true) CreateTenantBody body) {
        if (body == null) {
            return missingBody();
        }
        CreateTenantCommand command = new CreateTenantCommand(idempotencyKey, body.slug(), body.displayName(),
                body.region(), body.tier(), Optional.ofNullable(body.quotas()).map(TenantJson.QuotasBody::toInput),
                TenantJson.RetentionBody.toInputs(body.retention()));
        return HttpCallers.serve(caller -> createTenant.execute(caller, command),
                created -> Response.status(created.replayed() ? 200 : 201)
                        .entity(TenantBody.of(created.tenant()))
                        .header("Location", PATH + "/" + created.tenant().id())
                        .build());
    }

    @GET
    @Path("/{tenantId}")
    @Operation(operationId = "getTenant", summary = "Read a tenant")
    @APIResponse(responseCode = "200", description = "The tenant.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantBody.class)))
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    public Uni<Response> get(@Parameter(required = true, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                             @PathParam(TENANT_ID) String tenantId) {
        return HttpCallers.serve(caller -> getTenant.execute(caller, new GetTenantQuery(tenantId)),
                tenant -> Response.ok(TenantBody.of(tenant)).build());
    }

    @GET
    @Operation(operationId = "listTenants", summary = "List tenants by slug, a page at a time")
    @APIResponse(responseCode = "200", description = "One page of tenants.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = TenantPageBody.class)))
    public Uni<Response> list(@Parameter(description = "Tenants per page; 0 or absent: the default (setting tenant.page-size-default).",
                                      schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0",
                                              maximum = "100"))
                              @QueryParam("page_size") String pageSize,
                              @Parameter(description = "The next_page_token of the previous page; empty or absent:"
                                      + " the first page.",
                                      schema = @Schema(type = SchemaType.STRING,
                                              pattern = PAGE_TOKEN_PATTERN))
                              @QueryParam("page_token") String pageToken,
                              @Parameter(description = "Only tenants in this status; empty or absent: every status.",
                                      schema = @Schema(type = SchemaType.STRING))
                              @QueryParam("status") String status) {
        // A whole number beyond int's range is as wrong as any size past the largest, and said so by the use case.
        OptionalLong size = QueryParameters.wholeNumber(pageSize, 0, Long.MIN_VALUE, Long.MAX_VALUE);
        if (size.isEmpty()) {
            return Uni.createFrom().item(HttpProblems.toResponse(
                    Problem.InvalidArgument.of("page_size", "must be a whole number")));
        }
        ListTenantsQuery query = new ListTenantsQuery((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, size.getAsLong())), pageToken, Optional.ofNullable(status));
        return HttpCallers.serve(caller -> listTenants.execute(caller, query),
                page -> Response.ok(new TenantPageBody(
                        page.tenants().stream().map(TenantBody::of).toList(), page.nextPageToken())).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PATCH
    @Path("/{tenantId}")
    @Operation(operationId = "updateTenant", summary = "Change display name, tier, quotas or retention",
            description = "With expected_version, only if the tenant is still at that version (else 409).")
    @APIResponse(responseCode = "200", description = "The tenant as changed.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantBody.class)))
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    @APIResponse(responseCode = "409", description = "conflict/version-mismatch: the tenant is not at"
            + " expected_version; failed-precondition/tenant-not-changeable: it is being offboarded or erased.")
    public Uni<Response> update(@Parameter(required = true, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                @PathParam(TENANT_ID) String tenantId,
                                @RequestBody(required = true) UpdateTenantBody body) {
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
    @Operation(operationId = "suspendTenant", summary = "Suspend an active tenant")
    @APIResponse(responseCode = "200", description = "The tenant, now suspended.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantBody.class)))
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    @APIResponse(responseCode = "409", description = CONFLICT)
    public Uni<Response> suspend(@Parameter(required = true, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                 @PathParam(TENANT_ID) String tenantId,
                                 @RequestBody(required = true) SuspendTenantBody body) {
        SuspendTenantCommand command = new SuspendTenantCommand(tenantId, body == null ? null : body.reason());
        return HttpCallers.serve(caller -> suspendTenant.execute(caller, command),
                tenant -> Response.ok(TenantBody.of(tenant)).build());
    }

    @POST
    @Path("/{tenantId}/reactivation")
    @Operation(operationId = "reactivateTenant", summary = "Reactivate a suspended tenant")
    @APIResponse(responseCode = "200", description = "The tenant, active again.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantBody.class)))
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    @APIResponse(responseCode = "409", description = CONFLICT)
    public Uni<Response> reactivate(@Parameter(required = true,
                                            schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                    @PathParam(TENANT_ID) String tenantId) {
        return HttpCallers.serve(caller -> reactivateTenant.execute(caller, new ReactivateTenantCommand(tenantId)),
                tenant -> Response.ok(TenantBody.of(tenant)).build());
    }

    /** The page size asked for: absent is 0 (the default); empty when it is not a whole number. */
    private static Uni<Response> missingBody() {
        return Uni.createFrom().item(HttpProblems.toResponse(
                Problem.InvalidArgument.of("body", "a JSON body is required")));
    }
}
