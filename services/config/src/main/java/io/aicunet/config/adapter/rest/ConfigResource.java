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
import io.aicunet.config.domain.ConfigRules;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.QueryParameters;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The config API over REST, the same use cases as gRPC (the watch is gRPC only).
 * Every call carries the bearer token (and optionally x-aicunet-tenant, the tenant to act on); failures are application/problem+json. An entry's scope is given by
 * the query parameters scope (global, service, tenant, tenant_service), tenant_id and service.
 *
 * <p>The OpenAPI annotations say every status each operation answers and what each
 * parameter takes, exactly as the use cases check it (platform FleetOpenApi adds the
 * statuses every operation shares); OpenApiConformanceTest holds the service to them.
 */
@Path("/v1/config")
@Tag(name = "config")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class ConfigResource {

    private static final String VALUE_FIELD = "value";
    private static final String SCHEMA_FIELD = "schema";

    static final String NAMESPACE = "The namespace: dot-separated lower-case words, e.g. `llm.routing`.";
    static final String KEY = "The entry's key in the namespace.";
    static final String SCOPE = "The entry's scope: `global`, `service` (needs `service`), `tenant` (needs"
            + " `tenant_id`) or `tenant_service` (needs both).";
    static final String SCOPE_TENANT = "The scope's tenant: required for the tenant and tenant_service"
            + " scopes, absent (or empty) for the others, else 400.";
    static final String SCOPE_SERVICE = "The scope's service: required for the service and"
            + " tenant_service scopes, absent (or empty) for the others, else 400.";
    static final String OPTIONAL_TENANT_PATTERN = "^(" + ConfigJson.UUID_PATTERN + ")?$";
    static final String OPTIONAL_SERVICE_PATTERN = "^(" + ConfigRules.SERVICE_REGEX + ")?$";
    private static final String OPTIONAL_NAMESPACE_PATTERN = "^(" + ConfigRules.NAMESPACE_REGEX + ")?$";
    private static final String OPTIONAL_KEY_PATTERN = "^(" + ConfigRules.KEY_REGEX + ")?$";
    private static final String NO_NAMESPACE = "The namespace does not exist.";
    private static final String WRITE_CONFLICT = "`expected_revision` is not the entry's revision"
            + " (`.../conflict/revision-mismatch`), or the value is a secret of a tenant scope and the tenant has no"
            + " data key (`.../failed-precondition/tenant-key-unavailable`).";

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
    @APIResponse(responseCode = "201", description = "The namespace was created.",
            headers = @Header(name = "Location", required = true, description = "The namespace's URL.",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = NamespaceBody.class)))
    @APIResponse(responseCode = "409", description = "A namespace of this name exists"
            + " (`.../conflict/namespace-exists`).")
    public Uni<Response> createNamespace(@RequestBody(required = true) CreateNamespaceBody body) {
        if (body == null) {
            return missingBody();
        }
        CreateNamespaceCommand command = new CreateNamespaceCommand(body.namespace(), body.description(),
                body.schema() == null ? null : body.schema().toString(), SCHEMA_FIELD);
        return HttpCallers.serve(caller -> createNamespace.execute(caller, command),
                created -> Response.status(201).entity(NamespaceBody.of(created))
                        .header("Location", "/v1/config/namespaces/" + created.name()).build());
    }

    @GET
    @Path("/namespaces/{namespace}")
    @Operation(summary = "Read a namespace")
    @APIResponse(responseCode = "200", description = "The namespace.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = NamespaceBody.class)))
    @APIResponse(responseCode = "404", description = NO_NAMESPACE)
    public Uni<Response> getNamespace(
            @Parameter(description = NAMESPACE, schema = @Schema(type = SchemaType.STRING, pattern = ConfigJson.NAMESPACE_PATTERN,
                    maxLength = ConfigRules.NAMESPACE_LENGTH_MAX))
            @PathParam("namespace") String namespace) {
        return HttpCallers.serve(caller -> getNamespace.execute(caller, new GetNamespaceQuery(namespace)),
                found -> Response.ok(NamespaceBody.of(found)).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("/namespaces/{namespace}/schemas")
    @Operation(summary = "Add the next version of a namespace's JSON Schema",
            description = "Refused (400) when an existing entry would violate it.")
    @APIResponse(responseCode = "201", description = "The schema version was added.",
            headers = @Header(name = "Location", required = true, description = "The schema version's URL.",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SchemaBody.class)))
    @APIResponse(responseCode = "404", description = NO_NAMESPACE)
    @APIResponse(responseCode = "409", description = "The namespace has more entries than a new schema is checked"
            + " against (`.../failed-precondition/too-many-entries`).")
    public Uni<Response> registerSchema(
            @Parameter(description = NAMESPACE, schema = @Schema(type = SchemaType.STRING, pattern = ConfigJson.NAMESPACE_PATTERN,
                    maxLength = ConfigRules.NAMESPACE_LENGTH_MAX))
            @PathParam("namespace") String namespace,
            @RequestBody(required = true) RegisterSchemaBody body) {
        if (body == null) {
            return missingBody();
        }
        RegisterSchemaCommand command = new RegisterSchemaCommand(namespace,
                body.schema() == null ? null : body.schema().toString(), SCHEMA_FIELD);
        return HttpCallers.serve(caller -> registerSchema.execute(caller, command),
                schema -> Response.status(201).entity(SchemaBody.of(schema))
                        .header("Location", "/v1/config/namespaces/" + schema.namespace() + "/schemas/"
                                + schema.version()).build());
    }

    @GET
    @Path("/namespaces/{namespace}/schemas/{version}")
    @Operation(summary = "Read one version of a namespace's schema (0: the latest)")
    @APIResponse(responseCode = "200", description = "The schema version.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SchemaBody.class)))
    @APIResponse(responseCode = "404", description = "The namespace or this version of its schema does not exist.")
    public Uni<Response> getSchema(
            @Parameter(description = NAMESPACE, schema = @Schema(type = SchemaType.STRING, pattern = ConfigJson.NAMESPACE_PATTERN,
                    maxLength = ConfigRules.NAMESPACE_LENGTH_MAX))
            @PathParam("namespace") String namespace,
            @Parameter(description = "The schema version; 0: the latest.", schema = @Schema(
                    type = SchemaType.INTEGER, format = "int32", minimum = "0", maximum = "2147483647"))
            @PathParam("version") String version) {
        List<FieldViolation> violations = new ArrayList<>();
        int parsed = (int) QueryParameters.wholeNumber("version", version, 0, 0, Integer.MAX_VALUE, violations);
        if (!violations.isEmpty()) {
            return invalid(violations);
        }
        return HttpCallers.serve(caller -> getNamespace.schema(caller, new GetSchemaQuery(namespace, parsed)),
                schema -> Response.ok(SchemaBody.of(schema)).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PUT
    @Path("/entries/{namespace}/{key}")
    @Operation(summary = "Write an entry at a scope",
            description = "Validated by the namespace's schema. With expected_revision only if the entry is still "
                    + "at it (0: must not exist), else 409.")
    @APIResponse(responseCode = "200", description = "The entry as written (a secret masked), or as it was when it"
            + " already held this value (`changed: false`, no revision).",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WrittenBody.class)))
    @APIResponse(responseCode = "404", description = NO_NAMESPACE)
    @APIResponse(responseCode = "409", description = WRITE_CONFLICT)
    public Uni<Response> putEntry(
            @BeanParam EntryAddress address,
            @RequestBody(required = true) PutEntryBody body) {
        if (body == null) {
            return missingBody();
        }
        PutEntryCommand command = new PutEntryCommand(address.namespace, address.key, address.scopeInput(),
                body.value() == null ? null : body.value().toString(), VALUE_FIELD,
                Boolean.TRUE.equals(body.secret()), body.reason(), optional(body.expectedRevision()));
        return HttpCallers.serve(caller -> putEntry.execute(caller, command), ConfigResource::written);
    }

    @GET
    @Path("/entries/{namespace}/{key}")
    @Operation(summary = "Read an entry at a scope")
    @APIResponse(responseCode = "200", description = "The entry (a secret masked unless the caller may read it).",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = EntryBody.class)))
    @APIResponse(responseCode = "404", description = "No such entry at this scope.")
    public Uni<Response> getEntry(@BeanParam EntryAddress address) {
        GetEntryQuery query = new GetEntryQuery(address.namespace, address.key, address.scopeInput());
        return HttpCallers.serve(caller -> getEntry.execute(caller, query),
                entry -> Response.ok(EntryBody.of(entry)).build());
    }

    @DELETE
    @Path("/entries/{namespace}/{key}")
    @Operation(summary = "Delete an entry at a scope (as a revision)")
    @APIResponse(responseCode = "200", description = "The entry was deleted (`entry` is absent).",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WrittenBody.class)))
    @APIResponse(responseCode = "404", description = "The namespace, or the entry at this scope, does not exist.")
    @APIResponse(responseCode = "409", description = "`expected_revision` is not the entry's revision"
            + " (`.../conflict/revision-mismatch`).")
    public Uni<Response> deleteEntry(
            @BeanParam EntryAddress address,
            @Parameter(description = "Why: kept with the revision.", required = true, schema = @Schema(type = SchemaType.STRING,
                    pattern = ConfigJson.REASON_PATTERN, minLength = 1, maxLength = ConfigRules.REASON_LENGTH_MAX))
            @QueryParam("reason") String reason,
            @Parameter(description = "Delete only if the entry is still at this revision, else 409.",
                    schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1",
                            maximum = ConfigJson.REVISION_MAX))
            @QueryParam("expected_revision") String expectedRevision) {
        List<FieldViolation> violations = new ArrayList<>();
        long expected = QueryParameters.wholeNumber("expected_revision", expectedRevision, 0, 1, Long.MAX_VALUE,
                violations);
        if (!violations.isEmpty()) {
            return invalid(violations);
        }
        DeleteEntryCommand command = new DeleteEntryCommand(address.namespace, address.key, address.scopeInput(),
                reason, expectedRevision == null ? OptionalLong.empty() : OptionalLong.of(expected));
        return HttpCallers.serve(caller -> deleteEntry.execute(caller, command),
                written -> Response.ok(new WrittenBody(null, written.revision(), written.changed())).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("/entries/{namespace}/{key}/rollback")
    @Operation(summary = "Restore the value one of the entry's revisions wrote, as a new revision")
    @APIResponse(responseCode = "200", description = "The entry as restored (a secret masked; absent when the"
            + " restored revision was a delete), or as it was when it already held that value.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WrittenBody.class)))
    @APIResponse(responseCode = "404", description = "The namespace does not exist, or `to_revision` is not a"
            + " revision of this entry (or was compacted away).")
    @APIResponse(responseCode = "409", description = WRITE_CONFLICT)
    public Uni<Response> rollbackEntry(
            @BeanParam EntryAddress address,
            @RequestBody(required = true) RollbackEntryBody body) {
        if (body == null) {
            return missingBody();
        }
        RollbackEntryCommand command = new RollbackEntryCommand(address.namespace, address.key, address.scopeInput(),
                body.toRevision() == null ? 0 : body.toRevision(), body.reason(), optional(body.expectedRevision()));
        return HttpCallers.serve(caller -> rollbackEntry.execute(caller, command), ConfigResource::written);
    }

    @GET
    @Path("/effective")
    @Operation(summary = "The merged configuration a tenant and service see, each value with its scope")
    @APIResponse(responseCode = "200", description = "The effective configuration.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = EffectiveBody.class)))
    @APIResponse(responseCode = "409", description = "More entries reach this tenant and service than one answer"
            + " holds (`.../failed-precondition/too-many-entries`): name fewer namespaces.")
    public Uni<Response> effective(
            @Parameter(description = "The tenant whose configuration to merge; none: platform-level entries only.",
                    schema = @Schema(type = SchemaType.STRING, pattern = OPTIONAL_TENANT_PATTERN))
            @QueryParam("tenant_id") String tenantId,
            @Parameter(description = "The service whose configuration to merge; none: every service's.",
                    schema = @Schema(type = SchemaType.STRING, pattern = OPTIONAL_SERVICE_PATTERN, maxLength = ConfigRules.SERVICE_LENGTH_MAX))
            @QueryParam("service") String service,
            @Parameter(description = "Only these namespaces (repeat the parameter); none: all.",
                    schema = @Schema(type = SchemaType.ARRAY, implementation = NamespaceName.class))
            @QueryParam("namespace") List<String> namespaces,
            @Parameter(description = "Also list every layer, not only the merged values.",
                    schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
            @QueryParam("include_layers") String includeLayers) {
        List<FieldViolation> violations = new ArrayList<>();
        boolean layers = QueryParameters.flag("include_layers", includeLayers, false, violations);
        if (!violations.isEmpty()) {
            return invalid(violations);
        }
        EffectiveConfigQuery query = new EffectiveConfigQuery(tenantId, service,
                namespaces == null ? List.of() : namespaces, layers);
        return HttpCallers.serve(caller -> getEffectiveConfig.execute(caller, query),
                effective -> Response.ok(new EffectiveBody(
                        effective.values().stream().map(EntryBody::of).toList(), effective.revision(),
                        effective.layers().stream().map(EntryBody::of).toList())).build());
    }

    @GET
    @Path("/revisions")
    @Operation(summary = "Revisions, newest first, a page at a time")
    @APIResponse(responseCode = "200", description = "One page of revisions.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RevisionPageBody.class)))
    public Uni<Response> revisions(
            @Parameter(description = "Only this tenant's revisions (with the platform-level ones); none:"
                    + " platform-level only.", schema = @Schema(type = SchemaType.STRING, pattern = OPTIONAL_TENANT_PATTERN))
            @QueryParam("tenant_id") String tenantId,
            @Parameter(description = "Only this namespace.", schema = @Schema(type = SchemaType.STRING, pattern = OPTIONAL_NAMESPACE_PATTERN,
                    maxLength = ConfigRules.NAMESPACE_LENGTH_MAX))
            @QueryParam("namespace") String namespace,
            @Parameter(description = "Only this key (needs `namespace`, else 400).", schema = @Schema(type = SchemaType.STRING,
                    pattern = OPTIONAL_KEY_PATTERN, maxLength = ConfigRules.KEY_LENGTH_MAX))
            @QueryParam("key") String key,
            @Parameter(description = "Revisions per page (ConfigOpenApi states this deployment's largest and"
                    + " default).", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0"))
            @QueryParam("page_size") String pageSize,
            @Parameter(description = "The previous page's `next_page_token`; none: the first page. Any other text"
                    + " is a 400.", schema = @Schema(type = SchemaType.STRING))
            @QueryParam("page_token") String pageToken) {
        List<FieldViolation> violations = new ArrayList<>();
        int size = (int) QueryParameters.wholeNumber("page_size", pageSize, 0, 0, Integer.MAX_VALUE, violations);
        if (!violations.isEmpty()) {
            return invalid(violations);
        }
        ListRevisionsQuery query = new ListRevisionsQuery(tenantId, namespace, key, size, pageToken);
        return HttpCallers.serve(caller -> listRevisions.execute(caller, query),
                page -> Response.ok(new RevisionPageBody(page.revisions().stream().map(RevisionBody::of).toList(),
                        page.nextPageToken())).build());
    }

    @GET
    @Path("/diff")
    @Operation(summary = "What changed between two revisions")
    @APIResponse(responseCode = "200", description = "Each entry changed in (from, to], at both ends.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = DiffBody.class)))
    @APIResponse(responseCode = "404", description = "`to` is beyond the newest revision.")
    @APIResponse(responseCode = "409", description = "Revisions after `from` were compacted"
            + " (`.../failed-precondition/revision-compacted`), or more entries changed than one answer holds"
            + " (`.../failed-precondition/diff-too-large`).")
    public Uni<Response> diff(
            @Parameter(description = "The earlier revision (exclusive); none: 0.", schema = @Schema(
                    type = SchemaType.INTEGER, format = "int64", minimum = "0", maximum = ConfigJson.REVISION_MAX))
            @QueryParam("from") String from,
            @Parameter(description = "The later revision (inclusive): greater than `from`, else 400.",
                    required = true, schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1",
                            maximum = ConfigJson.REVISION_MAX))
            @QueryParam("to") String to,
            @Parameter(description = "Only this tenant's entries (with the platform-level ones); none:"
                    + " platform-level only.", schema = @Schema(type = SchemaType.STRING, pattern = OPTIONAL_TENANT_PATTERN))
            @QueryParam("tenant_id") String tenantId,
            @Parameter(description = "Only this namespace.", schema = @Schema(type = SchemaType.STRING, pattern = OPTIONAL_NAMESPACE_PATTERN,
                    maxLength = ConfigRules.NAMESPACE_LENGTH_MAX))
            @QueryParam("namespace") String namespace) {
        List<FieldViolation> violations = new ArrayList<>();
        long fromRevision = QueryParameters.wholeNumber("from", from, 0, 0, Long.MAX_VALUE, violations);
        long toRevision = QueryParameters.wholeNumber("to", to, 0, 1, Long.MAX_VALUE, violations);
        if (!violations.isEmpty()) {
            return invalid(violations);
        }
        DiffRevisionsQuery query = new DiffRevisionsQuery(fromRevision, toRevision, tenantId, namespace);
        return HttpCallers.serve(caller -> diffRevisions.execute(caller, query),
                diffs -> Response.ok(new DiffBody(diffs.stream().map(EntryDiffBody::of).toList())).build());
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("/revisions/compaction")
    @Operation(summary = "Forget revisions up to a revision (platform administrators)")
    @APIResponse(responseCode = "200", description = "Where the mark stands and how many revisions were deleted.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CompactedBody.class)))
    public Uni<Response> compact(@RequestBody(required = true) CompactRevisionsBody body) {
        if (body == null) {
            return missingBody();
        }
        CompactRevisionsCommand command = new CompactRevisionsCommand(
                body.upToRevision() == null ? 0 : body.upToRevision());
        return HttpCallers.serve(caller -> compactRevisions.execute(caller, command),
                compacted -> Response.ok(new CompactedBody(compacted.compactedRevision(),
                        compacted.revisionsDeleted())).build());
    }

    /** A namespace's name, as the items of the effective configuration's namespace filter. */
    @Schema(name = "NamespaceName", type = SchemaType.STRING, pattern = ConfigJson.NAMESPACE_PATTERN,
            maxLength = ConfigRules.NAMESPACE_LENGTH_MAX)
    static final class NamespaceName {

        private NamespaceName() {
        }
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

    private static Uni<Response> invalid(List<FieldViolation> violations) {
        return Uni.createFrom().item(HttpProblems.toResponse(new Problem.InvalidArgument(violations)));
    }
}
