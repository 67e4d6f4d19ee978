package io.aicunet.config.adapter.rest;

import io.aicunet.config.adapter.rest.ConfigJson.CompactRevisionsBody;
import io.aicunet.config.adapter.rest.ConfigJson.CompactedBody;
import io.aicunet.config.adapter.rest.ConfigJson.CreateNamespaceBody;
import io.aicunet.config.adapter.rest.ConfigJson.DiffBody;
import io.aicunet.config.adapter.rest.ConfigJson.EffectiveBody;
import io.aicunet.config.adapter.rest.ConfigJson.EntryBody;
import io.aicunet.config.adapter.rest.ConfigJson.EntryDiffBody;
import io.aicunet.config.adapter.rest.ConfigJson.NamespaceBody;
import io.aicunet.config.adapter.rest.ConfigJson.PutEntryBody;
import io.aicunet.config.adapter.rest.ConfigJson.RegisterSchemaBody;
import io.aicunet.config.adapter.rest.ConfigJson.RevisionBody;
import io.aicunet.config.adapter.rest.ConfigJson.RevisionPageBody;
import io.aicunet.config.adapter.rest.ConfigJson.RollbackEntryBody;
import io.aicunet.config.adapter.rest.ConfigJson.SchemaBody;
import io.aicunet.config.adapter.rest.ConfigJson.WrittenBody;
import io.aicunet.config.application.access.ConfigCommands.CompactRevisionsCommand;
import io.aicunet.config.application.access.ConfigCommands.CreateNamespaceCommand;
import io.aicunet.config.application.access.ConfigCommands.DeleteEntryCommand;
import io.aicunet.config.application.access.ConfigCommands.DiffRevisionsQuery;
import io.aicunet.config.application.access.ConfigCommands.EffectiveConfigQuery;
import io.aicunet.config.application.access.ConfigCommands.GetEntryQuery;
import io.aicunet.config.application.access.ConfigCommands.GetNamespaceQuery;
import io.aicunet.config.application.access.ConfigCommands.GetSchemaQuery;
import io.aicunet.config.application.access.ConfigCommands.ListRevisionsQuery;
import io.aicunet.config.application.access.ConfigCommands.PutEntryCommand;
import io.aicunet.config.application.access.ConfigCommands.RegisterSchemaCommand;
import io.aicunet.config.application.access.ConfigCommands.RollbackEntryCommand;
import io.aicunet.config.application.access.ConfigCommands.ScopeInput;
import io.aicunet.config.application.entries.DeleteEntry;
import io.aicunet.config.application.entries.DiffRevisions;
import io.aicunet.config.application.entries.EntryWrites.Written;
import io.aicunet.config.application.entries.GetEffectiveConfig;
import io.aicunet.config.application.entries.GetEntry;
import io.aicunet.config.application.entries.ListRevisions;
import io.aicunet.config.application.entries.PutEntry;
import io.aicunet.config.application.entries.RollbackEntry;
import io.aicunet.config.application.namespaces.CreateNamespace;
import io.aicunet.config.application.namespaces.GetNamespace;
import io.aicunet.config.application.namespaces.RegisterSchema;
import io.aicunet.config.application.retention.CompactRevisions;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.OptionalLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The config API over REST, the same use cases as gRPC (the watch is gRPC only).
 * Every call carries the bearer token (and optionally x-aicunet-tenant, the tenant to act on); failures are application/problem+json. An entry's scope is given by
 * the query parameters scope (global, service, tenant, tenant_service), tenant_id and service.
 */
@Path("/v1/config")
@Tag(name = "config")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class ConfigResource {

    private static final String VALUE_FIELD = "value";

    private final CreateNamespace createNamespace;
    private final GetNamespace getNamespace;
    private final RegisterSchema registerSchema;
    private final PutEntry putEntry;
    private final DeleteEntry deleteEntry;
    private final GetEntry getEntry;
    private final RollbackEntry rollbackEntry;
    private final GetEffectiveConfig getEffectiveConfig;
    private final ListRevisions listRevisions;
    private final DiffRevisions diffRevisions;
    private final CompactRevisions compactRevisions;

    public ConfigResource(CreateNamespace createNamespace, GetNamespace getNamespace, RegisterSchema registerSchema,
                          PutEntry putEntry, DeleteEntry deleteEntry, GetEntry getEntry, RollbackEntry rollbackEntry,
                          GetEffectiveConfig getEffectiveConfig, ListRevisions listRevisions,
                          DiffRevisions diffRevisions, CompactRevisions compactRevisions) {
        this.createNamespace = createNamespace;
        this.getNamespace = getNamespace;
        this.registerSchema = registerSchema;
        this.putEntry = putEntry;
        this.deleteEntry = deleteEntry;
        this.getEntry = getEntry;
        this.rollbackEntry = rollbackEntry;
        this.getEffectiveConfig = getEffectiveConfig;
        this.listRevisions = listRevisions;
        this.diffRevisions = diffRevisions;
        this.compactRevisions = compactRevisions;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("/namespaces")
    @Operation(summary = "Register a namespace, optionally with its first JSON Schema")
    public Uni<Response> createNamespace(CreateNamespaceBody body) {
        if (body == null) {
            return missingBody();
        }
        CreateNamespaceCommand command = new CreateNamespaceCommand(body.namespace(), body.description(),
                body.schema() == null ? null : body.schema().toString());
        return HttpCallers.serve(caller -> createNamespace.execute(caller, command),
                created -> Response.status(201).entity(NamespaceBody.of(created))
                        .header("Location", "/v1/config/namespaces/" + created.name()).build());
    }

    @GET
    @Path("/namespaces/{namespace}")
    @Operation(summary = "Read a namespace")
    public Uni<Response> getNamespace(@PathParam("namespace") String namespace) {
        return HttpCallers.serve(caller -> getNamespace.execute(caller, new GetNamespaceQuery(namespace)),
                found -> Response.ok(NamespaceBody.of(found)).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("/namespaces/{namespace}/schemas")
    @Operation(summary = "Add the next version of a namespace's JSON Schema",
            description = "Refused (400) when an existing entry would violate it.")
    public Uni<Response> registerSchema(@PathParam("namespace") String namespace,
                                        RegisterSchemaBody body) {
        if (body == null) {
            return missingBody();
        }
        RegisterSchemaCommand command = new RegisterSchemaCommand(namespace,
                body.schema() == null ? null : body.schema().toString());
        return HttpCallers.serve(caller -> registerSchema.execute(caller, command),
                schema -> Response.status(201).entity(SchemaBody.of(schema)).build());
    }

    @GET
    @Path("/namespaces/{namespace}/schemas/{version}")
    @Operation(summary = "Read one version of a namespace's schema (0: the latest)")
    public Uni<Response> getSchema(@PathParam("namespace") String namespace,
                                   @PathParam("version") int version) {
        return HttpCallers.serve(caller -> getNamespace.schema(caller, new GetSchemaQuery(namespace, version)),
                schema -> Response.ok(SchemaBody.of(schema)).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PUT
    @Path("/entries/{namespace}/{key}")
    @Operation(summary = "Write an entry at a scope",
            description = "Validated by the namespace's schema. With expected_revision only if the entry is still "
                    + "at it (0: must not exist), else 409.")
    public Uni<Response> putEntry(@PathParam("namespace") String namespace,
                                  @PathParam("key") String key, @QueryParam("scope") String scope,
                                  @QueryParam("tenant_id") String tenantId, @QueryParam("service") String service,
                                  PutEntryBody body) {
        if (body == null) {
            return missingBody();
        }
        PutEntryCommand command = new PutEntryCommand(namespace, key, new ScopeInput(scope, tenantId, service),
                body.value() == null ? null : body.value().toString(), VALUE_FIELD,
                Boolean.TRUE.equals(body.secret()), body.reason(), optional(body.expectedRevision()));
        return HttpCallers.serve(caller -> putEntry.execute(caller, command), ConfigResource::written);
    }

    @GET
    @Path("/entries/{namespace}/{key}")
    @Operation(summary = "Read an entry at a scope")
    public Uni<Response> getEntry(@PathParam("namespace") String namespace,
                                  @PathParam("key") String key, @QueryParam("scope") String scope,
                                  @QueryParam("tenant_id") String tenantId, @QueryParam("service") String service) {
        GetEntryQuery query = new GetEntryQuery(namespace, key, new ScopeInput(scope, tenantId, service));
        return HttpCallers.serve(caller -> getEntry.execute(caller, query),
                entry -> Response.ok(EntryBody.of(entry)).build());
    }

    @DELETE
    @Path("/entries/{namespace}/{key}")
    @Operation(summary = "Delete an entry at a scope (as a revision)")
    public Uni<Response> deleteEntry(@PathParam("namespace") String namespace,
                                     @PathParam("key") String key, @QueryParam("scope") String scope,
                                     @QueryParam("tenant_id") String tenantId, @QueryParam("service") String service,
                                     @QueryParam("reason") String reason,
                                     @QueryParam("expected_revision") Long expectedRevision) {
        DeleteEntryCommand command = new DeleteEntryCommand(namespace, key, new ScopeInput(scope, tenantId, service),
                reason, optional(expectedRevision));
        return HttpCallers.serve(caller -> deleteEntry.execute(caller, command),
                written -> Response.ok(new WrittenBody(null, written.revision(), written.changed())).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("/entries/{namespace}/{key}/rollback")
    @Operation(summary = "Restore the value one of the entry's revisions wrote, as a new revision")
    public Uni<Response> rollbackEntry(@PathParam("namespace") String namespace,
                                       @PathParam("key") String key, @QueryParam("scope") String scope,
                                       @QueryParam("tenant_id") String tenantId, @QueryParam("service") String service,
                                       RollbackEntryBody body) {
        if (body == null) {
            return missingBody();
        }
        RollbackEntryCommand command = new RollbackEntryCommand(namespace, key, new ScopeInput(scope, tenantId, service),
                body.toRevision() == null ? 0 : body.toRevision(), body.reason(), optional(body.expectedRevision()));
        return HttpCallers.serve(caller -> rollbackEntry.execute(caller, command), ConfigResource::written);
    }

    @GET
    @Path("/effective")
    @Operation(summary = "The merged configuration a tenant and service see, each value with its scope")
    public Uni<Response> effective(@QueryParam("tenant_id") String tenantId,
                                   @QueryParam("service") String service,
                                   @QueryParam("namespace") List<String> namespaces,
                                   @QueryParam("include_layers") @DefaultValue("false") boolean includeLayers) {
        EffectiveConfigQuery query = new EffectiveConfigQuery(tenantId, service,
                namespaces == null ? List.of() : namespaces, includeLayers);
        return HttpCallers.serve(caller -> getEffectiveConfig.execute(caller, query),
                effective -> Response.ok(new EffectiveBody(
                        effective.values().stream().map(EntryBody::of).toList(), effective.revision(),
                        effective.layers().stream().map(EntryBody::of).toList())).build());
    }

    @GET
    @Path("/revisions")
    @Operation(summary = "Revisions, newest first, a page at a time")
    public Uni<Response> revisions(@QueryParam("tenant_id") String tenantId,
                                   @QueryParam("namespace") String namespace, @QueryParam("key") String key,
                                   @QueryParam("page_size") @DefaultValue("0") int pageSize,
                                   @QueryParam("page_token") String pageToken) {
        ListRevisionsQuery query = new ListRevisionsQuery(tenantId, namespace, key, pageSize, pageToken);
        return HttpCallers.serve(caller -> listRevisions.execute(caller, query),
                page -> Response.ok(new RevisionPageBody(page.revisions().stream().map(RevisionBody::of).toList(),
                        page.nextPageToken())).build());
    }

    @GET
    @Path("/diff")
    @Operation(summary = "What changed between two revisions")
    public Uni<Response> diff(@QueryParam("from") @DefaultValue("0") long from,
                              @QueryParam("to") @DefaultValue("0") long to, @QueryParam("tenant_id") String tenantId,
                              @QueryParam("namespace") String namespace) {
        DiffRevisionsQuery query = new DiffRevisionsQuery(from, to, tenantId, namespace);
        return HttpCallers.serve(caller -> diffRevisions.execute(caller, query),
                diffs -> Response.ok(new DiffBody(diffs.stream().map(EntryDiffBody::of).toList())).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("/revisions/compaction")
    @Operation(summary = "Forget revisions up to a revision (platform administrators)")
    public Uni<Response> compact(CompactRevisionsBody body) {
        if (body == null) {
            return missingBody();
        }
        CompactRevisionsCommand command = new CompactRevisionsCommand(
                body.upToRevision() == null ? 0 : body.upToRevision());
        return HttpCallers.serve(caller -> compactRevisions.execute(caller, command),
                compacted -> Response.ok(new CompactedBody(compacted.compactedRevision(),
                        compacted.revisionsDeleted())).build());
    }

    private static Response written(Written written) {
        return Response.ok(new WrittenBody(written.maskedEntry().map(EntryBody::of).orElse(null), written.revision(),
                written.changed())).build();
    }

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    private static Uni<Response> missingBody() {
        return Uni.createFrom().item(HttpProblems.toResponse(
                Problem.InvalidArgument.of("body", "a JSON body is required")));
    }
}
