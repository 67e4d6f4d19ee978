package io.aicunet.audit.adapter.rest;

import io.aicunet.audit.adapter.rest.AuditJson.AppendBody;
import io.aicunet.audit.adapter.rest.AuditJson.AppendedBody;
import io.aicunet.audit.adapter.rest.AuditJson.CheckpointBody;
import io.aicunet.audit.adapter.rest.AuditJson.KeyBody;
import io.aicunet.audit.adapter.rest.AuditJson.LegalHoldBody;
import io.aicunet.audit.adapter.rest.AuditJson.LegalHoldLifting;
import io.aicunet.audit.adapter.rest.AuditJson.LegalHoldPlacement;
import io.aicunet.audit.adapter.rest.AuditJson.LegalHoldStateBody;
import io.aicunet.audit.adapter.rest.AuditJson.RecordBody;
import io.aicunet.audit.adapter.rest.AuditJson.RecordPageBody;
import io.aicunet.audit.adapter.rest.AuditJson.VerificationBody;
import io.aicunet.audit.application.checkpoints.CreateCheckpoint;
import io.aicunet.audit.application.checkpoints.SigningKeys;
import io.aicunet.audit.application.records.AppendRecords;
import io.aicunet.audit.application.records.AppendRecords.AppendCommand;
import io.aicunet.audit.application.records.ExportRecords;
import io.aicunet.audit.application.records.QueryRecords;
import io.aicunet.audit.application.retention.SetLegalHold;
import io.aicunet.audit.application.verification.VerifyLog;
import io.aicunet.platform.auditlog.ExportLine;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.problem.FleetOpenApi;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.QueryParameters;
import io.aicunet.platform.tenancy.HttpCallers;
import io.aicunet.platform.tenancy.PublicResource;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The audit API over REST, the same use cases as gRPC. Every call carries the bearer token (and optionally x-aicunet-tenant, the tenant to act on); failures are
 * application/problem+json.
 */
@Path("/v1/audit")
@Tag(name = "audit")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class AuditResource {

    static final String NDJSON = "application/x-ndjson";

    private final AppendRecords appendRecords;
    private final QueryRecords queryRecords;
    private final CreateCheckpoint createCheckpoint;
    private final VerifyLog verifyLog;
    private final ExportRecords exportRecords;
    private final SetLegalHold setLegalHold;
    private final SigningKeys keys;

    public AuditResource(AppendRecords appendRecords, QueryRecords queryRecords, CreateCheckpoint createCheckpoint,
                         VerifyLog verifyLog, ExportRecords exportRecords, SetLegalHold setLegalHold,
                         SigningKeys keys) {
        this.appendRecords = appendRecords;
        this.queryRecords = queryRecords;
        this.createCheckpoint = createCheckpoint;
        this.verifyLog = verifyLog;
        this.exportRecords = exportRecords;
        this.setLegalHold = setLegalHold;
        this.keys = keys;
    }

    @POST
    @Path("/tenants/{tenantId}/records")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Append 1 to 1000 direct records", description = "Idempotent per record_id.")
    @APIResponse(responseCode = "200", description = "Where each record was placed, in the order sent.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = AppendedBody.class)))
    @APIResponse(responseCode = "409", description = "Records with details for a tenant without a data key"
            + " (unknown to the tenant service, or erased): nothing is appended.")
    @APIResponse(responseCode = "429", description = "The tenant's log would hold more detail bytes than its"
            + " storage quota (tenant.quotas.storage_bytes; the problem names the quota and the current use):"
            + " nothing is appended.")
    public Uni<Response> append(@PathParam("tenantId") @Parameter(description = "The tenant whose log it is.",
                                        schema = @Schema(type = SchemaType.STRING, format = "uuid")) String tenantId,
                                @RequestBody(required = true) AppendBody body) {
        if (body == null) {
            return problem(Problem.InvalidArgument.of("body", "a JSON body is required"));
        }
        List<AuditJson.RecordInputBody> records = body.records() == null ? List.of() : body.records();
        for (int i = 0; i < records.size(); i++) {
            if (!records.get(i).occurredAtReadable()) {
                return problem(Problem.InvalidArgument.of("records[" + i + "].occurred_at",
                        "must be an RFC 3339 date-time string, e.g. 2026-01-31T12:00:00Z"));
            }
        }
        List<AppendRecords.RecordInput> inputs = records.stream().map(AuditJson.RecordInputBody::toInput).toList();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).details() == null) {
                return problem(Problem.InvalidArgument.of("records[" + i + "].details", "must be base64"));
            }
        }
        AppendCommand command = new AppendCommand(tenantId, inputs, "rest");
        return HttpCallers.serve(caller -> appendRecords.execute(caller, command),
                placed -> Response.ok(placed.stream()
                        .map(p -> new AppendedBody(p.recordId().toString(), p.sequence(), p.replayed())).toList())
                        .build());
    }

    @GET
    @Path("/tenants/{tenantId}/records")
    @Operation(summary = "Find records by actor, action, resource, outcome and recording time, in sequence order",
            description = "Filters match a record's field exactly. recorded_to must be after recorded_from when both"
                    + " are given (400 otherwise).")
    @APIResponse(responseCode = "200", description = "One page of the records found.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RecordPageBody.class)))
    @APIResponse(responseCode = "503", description = "The tenant service, which holds the keys that reveal sealed"
            + " details, or a store the service needs is unavailable; retry after `Retry-After` seconds.")
    public Uni<Response> query(
            @PathParam("tenantId") @Parameter(description = "The tenant whose log it is.",
                    schema = @Schema(type = SchemaType.STRING, format = "uuid")) String tenantId,
            @QueryParam("actor") @Parameter(description = "Only records of this actor.", schema = @Schema(
                    type = SchemaType.STRING, minLength = 1, maxLength = QueryRecords.FILTER_LENGTH_MAX,
                    pattern = AuditJson.OPTIONAL_TEXT)) String actor,
            @QueryParam("action") @Parameter(description = "Only records of this action.", schema = @Schema(
                    type = SchemaType.STRING, minLength = 1, maxLength = QueryRecords.FILTER_LENGTH_MAX,
                    pattern = AuditJson.OPTIONAL_TEXT)) String action,
            @QueryParam("resource") @Parameter(description = "Only records on this resource.", schema = @Schema(
                    type = SchemaType.STRING, minLength = 1, maxLength = QueryRecords.FILTER_LENGTH_MAX,
                    pattern = AuditJson.OPTIONAL_TEXT)) String resource,
            @QueryParam("outcome") @Parameter(description = "Only records with this outcome.", schema = @Schema(
                    type = SchemaType.STRING, minLength = 1, maxLength = QueryRecords.FILTER_LENGTH_MAX,
                    pattern = AuditJson.OPTIONAL_TEXT)) String outcome,
            @QueryParam("recorded_from") @Parameter(description = "Recorded at or after (RFC 3339).", schema = @Schema(
                    type = SchemaType.STRING, format = "date-time", pattern = AuditJson.QUERY_TIME))
            String recordedFrom,
            @QueryParam("recorded_to") @Parameter(description = "Recorded before (RFC 3339), after recorded_from.",
                    schema = @Schema(type = SchemaType.STRING, format = "date-time", pattern = AuditJson.QUERY_TIME))
            String recordedTo,
            @QueryParam("page_size") @Parameter(description = "Records per page; 0 or absent: 100"
                    + " (audit.query.page-size-default).", schema = @Schema(type = SchemaType.INTEGER,
                    format = "int32", minimum = "0", maximum = "500")) String pageSize,
            @QueryParam("page_token") @Parameter(description = "The next_page_token of the page before; empty or"
                    + " absent: the first page. A token this service did not issue is refused.") String pageToken,
            @Context UriInfo uri) {
        Optional<Problem> empty = emptyParameter(uri);
        if (empty.isPresent()) {
            return problem(empty.get());
        }
        Optional<Instant> from;
        Optional<Instant> to;
        try {
            from = Optional.ofNullable(recordedFrom).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return problem(Problem.InvalidArgument.of("recorded_from", "must be an RFC 3339 UTC time"));
        }
        try {
            to = Optional.ofNullable(recordedTo).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return problem(Problem.InvalidArgument.of("recorded_to", "must be an RFC 3339 UTC time"));
        }
        OptionalLong size = QueryParameters.wholeNumber(pageSize, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (size.isEmpty()) {
            return problem(Problem.InvalidArgument.of("page_size", "must be an integer from 0 to 500"));
        }
        QueryRecords.Query query = new QueryRecords.Query(tenantId, Optional.ofNullable(actor),
                Optional.ofNullable(action), Optional.ofNullable(resource), Optional.ofNullable(outcome), from, to,
                (int) size.getAsLong(), pageToken);
        return HttpCallers.serve(caller -> queryRecords.execute(caller, query),
                page -> Response.ok(new RecordPageBody(page.records().stream().map(RecordBody::of).toList(),
                        page.nextPageToken())).build());
    }

    @POST
    @Path("/tenants/{tenantId}/checkpoints")
    @Operation(summary = "Sign a checkpoint of the tenant's log now")
    @APIResponse(responseCode = "200", description = "The checkpoint signed.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CheckpointBody.class)))
    @APIResponse(responseCode = "409", description = "The tenant's log holds no record to checkpoint.")
    public Uni<Response> checkpoint(@PathParam("tenantId") @Parameter(description = "The tenant whose log it is.",
                                            schema = @Schema(type = SchemaType.STRING, format = "uuid")) String tenantId) {
        return HttpCallers.serve(caller -> createCheckpoint.execute(caller, tenantId),
                checkpoint -> Response.ok(CheckpointBody.of(checkpoint)).build());
    }

    @POST
    @Path("/tenants/{tenantId}/verification")
    @Operation(summary = "Verify the tenant's stored log: chain, segments, checkpoints, signatures")
    @APIResponse(responseCode = "200", description = "What the verification found; `verified` says whether the"
            + " log is intact.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VerificationBody.class)))
    @APIResponse(responseCode = "404", description = "The tenant has no audit log.")
    public Uni<Response> verify(@PathParam("tenantId") @Parameter(description = "The tenant whose log it is.",
                                        schema = @Schema(type = SchemaType.STRING, format = "uuid")) String tenantId) {
        return HttpCallers.serve(caller -> verifyLog.execute(caller, tenantId),
                report -> Response.ok(VerificationBody.of(report)).build());
    }

    @GET
    @Path("/tenants/{tenantId}/export")
    @Produces({NDJSON, HttpProblems.PROBLEM_JSON})
    @Operation(summary = "Export records as JSON Lines with checkpoints and proofs, for tools/audit-verifier",
            description = "The range must lie in the log: last_sequence at most the log's last record, first_sequence"
                    + " at most last_sequence, and at most 100000 records (audit.query.export-records-max); a range"
                    + " outside is refused (400).")
    @APIResponse(responseCode = "200", description = "The export, one JSON object a line (docs/audit.md).",
            content = @Content(mediaType = NDJSON, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "404", description = "The tenant's log holds no record.")
    @APIResponse(responseCode = "409", description = "first_sequence names a record retention removed.")
    @APIResponse(responseCode = "503", description = "The tenant service, which holds the keys that reveal sealed"
            + " details, or a store the service needs is unavailable; retry after `Retry-After` seconds.")
    public Uni<Response> export(@PathParam("tenantId") @Parameter(description = "The tenant whose log it is.",
                                        schema = @Schema(type = SchemaType.STRING, format = "uuid")) String tenantId,
                                @QueryParam("first_sequence") @Parameter(description = "The first record; 0 or absent:"
                                        + " the first retained.", schema = @Schema(type = SchemaType.INTEGER,
                                        format = "int64", minimum = "0")) String firstSequence,
                                @QueryParam("last_sequence") @Parameter(description = "The last record; 0 or absent:"
                                        + " the log's last.", schema = @Schema(type = SchemaType.INTEGER,
                                        format = "int64", minimum = "0")) String lastSequence,
            @Context UriInfo uri) {
        Optional<Problem> empty = emptyParameter(uri);
        if (empty.isPresent()) {
            return problem(empty.get());
        }
        OptionalLong first = QueryParameters.wholeNumber(firstSequence, 0, Long.MIN_VALUE, Long.MAX_VALUE);
        if (first.isEmpty()) {
            return problem(Problem.InvalidArgument.of("first_sequence", "must be an integer, 0 or more"));
        }
        OptionalLong last = QueryParameters.wholeNumber(lastSequence, 0, Long.MIN_VALUE, Long.MAX_VALUE);
        if (last.isEmpty()) {
            return problem(Problem.InvalidArgument.of("last_sequence", "must be an integer, 0 or more"));
        }
        return HttpCallers.serve(caller -> exportRecords.execute(caller, tenantId, first.getAsLong(),
                        last.getAsLong()),
                lines -> Response.ok(lines.stream().map(ExportLine::toJson).collect(Collectors.joining("\n", "", "\n")))
                        .type(NDJSON).build());
    }

    @PUT
    @Path("/tenants/{tenantId}/legal-hold")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Place or lift a legal hold: while held, retention removes nothing")
    @APIResponse(responseCode = "200", description = "The legal hold as it now is.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = LegalHoldStateBody.class)))
    public Uni<Response> legalHold(@PathParam("tenantId") @Parameter(description = "The tenant whose log it is.",
                                           schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                   String tenantId,
                                   @RequestBody(required = true, content = @Content(
                                           mediaType = MediaType.APPLICATION_JSON,
                                           schema = @Schema(oneOf = {LegalHoldPlacement.class,
                                                   LegalHoldLifting.class})))
                                   LegalHoldBody body) {
        if (body == null || body.held() == null) {
            return problem(Problem.InvalidArgument.of("held", "is required: true or false"));
        }
        String reason = body.reason() == null ? "" : body.reason().trim();
        return HttpCallers.serve(caller -> setLegalHold.execute(caller, tenantId, body.held(), body.reason()),
                held -> Response.ok(new LegalHoldStateBody(held, reason)).build());
    }

    @GET
    @Path("/keys")
    @PublicResource
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Operation(summary = "The public keys that verify checkpoints",
            description = "format=text prints one 'KEY_ID BASE64' line per key, the verifier's --keys file.",
            // Public like the route (@PublicResource): FleetOpenApi documents it without security.
            extensions = @Extension(name = FleetOpenApi.PUBLIC_EXTENSION, value = "true"))
    @APIResponse(responseCode = "200", description = "Every key that verifies checkpoints, the active one included.",
            content = {
                    @Content(mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = KeyBody.class)),
                    @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = SchemaType.STRING))})
    public Response keys(@QueryParam("format") @Parameter(description = "json (the default) or text.",
            schema = @Schema(type = SchemaType.STRING, enumeration = {"json", "text"})) String format,
            @Context UriInfo uri) {
        Optional<Problem> empty = emptyParameter(uri);
        if (empty.isPresent()) {
            return HttpProblems.toResponse(empty.get());
        }
        if ("text".equals(format)) {
            return Response.ok(keys.verificationKeys().entrySet().stream()
                    .map(e -> e.getKey() + " " + TreeHeadSignatures.encode(e.getValue()))
                    .collect(Collectors.joining("\n", "", "\n"))).type(MediaType.TEXT_PLAIN).build();
        }
        if (format != null && !"json".equals(format)) {
            return HttpProblems.toResponse(Problem.InvalidArgument.of("format", "must be json or text"));
        }
        return Response.ok(keys.verificationKeys().entrySet().stream()
                .map(e -> new KeyBody(e.getKey(), TreeHeadSignatures.encode(e.getValue()),
                        e.getKey().equals(keys.activeKeyId())))
                .toList()).type(MediaType.APPLICATION_JSON).build();
    }

    /**
     * A query parameter sent empty ({@code actor=}) is refused, except page_token's (no
     * token): Quarkus REST hands an empty value over as absent, which would otherwise drop
     * the filter without a word. (A parameter the operation does not have is refused by
     * the platform's QueryParameters before this runs.)
     */
    private static Optional<Problem> emptyParameter(UriInfo uri) {
        return new java.util.TreeMap<>(uri.getQueryParameters()).entrySet().stream()
                .filter(parameter -> !"page_token".equals(parameter.getKey())
                        && parameter.getValue().stream().anyMatch(String::isEmpty))
                .findFirst()
                .map(parameter -> Problem.InvalidArgument.of(parameter.getKey(), "must not be empty when given"));
    }

    private static Uni<Response> problem(Problem problem) {
        return Uni.createFrom().item(HttpProblems.toResponse(problem));
    }
}
