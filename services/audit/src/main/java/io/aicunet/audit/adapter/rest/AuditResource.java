package io.aicunet.audit.adapter.rest;

import io.aicunet.audit.adapter.rest.AuditJson.AppendBody;
import io.aicunet.audit.adapter.rest.AuditJson.AppendedBody;
import io.aicunet.audit.adapter.rest.AuditJson.CheckpointBody;
import io.aicunet.audit.adapter.rest.AuditJson.KeyBody;
import io.aicunet.audit.adapter.rest.AuditJson.LegalHoldBody;
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
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.HttpCallers;
import io.aicunet.platform.tenancy.PublicResource;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
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
    public Uni<Response> append(@PathParam("tenantId") String tenantId, AppendBody body) {
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
    @Operation(summary = "Find records by actor, action, resource, outcome and recording time, in sequence order")
    public Uni<Response> query(@PathParam("tenantId") String tenantId,
                               @QueryParam("actor") String actor, @QueryParam("action") String action,
                               @QueryParam("resource") String resource, @QueryParam("outcome") String outcome,
                               @QueryParam("recorded_from") String recordedFrom,
                               @QueryParam("recorded_to") String recordedTo,
                               @QueryParam("page_size") @DefaultValue("0") int pageSize,
                               @QueryParam("page_token") String pageToken) {
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
        QueryRecords.Query query = new QueryRecords.Query(tenantId, Optional.ofNullable(actor),
                Optional.ofNullable(action), Optional.ofNullable(resource), Optional.ofNullable(outcome), from, to,
                pageSize, pageToken);
        return HttpCallers.serve(caller -> queryRecords.execute(caller, query),
                page -> Response.ok(new RecordPageBody(page.records().stream().map(RecordBody::of).toList(),
                        page.nextPageToken())).build());
    }

    @POST
    @Path("/tenants/{tenantId}/checkpoints")
    @Operation(summary = "Sign a checkpoint of the tenant's log now")
    public Uni<Response> checkpoint(@PathParam("tenantId") String tenantId) {
        return HttpCallers.serve(caller -> createCheckpoint.execute(caller, tenantId),
                checkpoint -> Response.ok(CheckpointBody.of(checkpoint)).build());
    }

    @POST
    @Path("/tenants/{tenantId}/verification")
    @Operation(summary = "Verify the tenant's stored log: chain, segments, checkpoints, signatures")
    public Uni<Response> verify(@PathParam("tenantId") String tenantId) {
        return HttpCallers.serve(caller -> verifyLog.execute(caller, tenantId),
                report -> Response.ok(VerificationBody.of(report)).build());
    }

    @GET
    @Path("/tenants/{tenantId}/export")
    @Produces({NDJSON, HttpProblems.PROBLEM_JSON})
    @Operation(summary = "Export records as JSON Lines with checkpoints and proofs, for tools/audit-verifier")
    public Uni<Response> export(@PathParam("tenantId") String tenantId,
                                @QueryParam("first_sequence") @DefaultValue("0") long firstSequence,
                                @QueryParam("last_sequence") @DefaultValue("0") long lastSequence) {
        return HttpCallers.serve(caller -> exportRecords.execute(caller, tenantId, firstSequence, lastSequence),
                lines -> Response.ok(lines.stream().map(ExportLine::toJson).collect(Collectors.joining("\n", "", "\n")))
                        .type(NDJSON).build());
    }

    @PUT
    @Path("/tenants/{tenantId}/legal-hold")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Place or lift a legal hold: while held, retention removes nothing")
    public Uni<Response> legalHold(@PathParam("tenantId") String tenantId,
                                   LegalHoldBody body) {
        if (body == null || body.held() == null) {
            return problem(Problem.InvalidArgument.of("held", "is required: true or false"));
        }
        return HttpCallers.serve(caller -> setLegalHold.execute(caller, tenantId, body.held(), body.reason()),
                held -> Response.ok(new LegalHoldBody(held, body.reason())).build());
    }

    @GET
    @Path("/keys")
    @PublicResource
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Operation(summary = "The public keys that verify checkpoints",
            description = "format=text prints one 'KEY_ID BASE64' line per key, the verifier's --keys file.")
    public Response keys(@QueryParam("format") @DefaultValue("json") String format) {
        if ("text".equals(format)) {
            return Response.ok(keys.verificationKeys().entrySet().stream()
                    .map(e -> e.getKey() + " " + TreeHeadSignatures.encode(e.getValue()))
                    .collect(Collectors.joining("\n", "", "\n"))).type(MediaType.TEXT_PLAIN).build();
        }
        return Response.ok(keys.verificationKeys().entrySet().stream()
                .map(e -> new KeyBody(e.getKey(), TreeHeadSignatures.encode(e.getValue()),
                        e.getKey().equals(keys.activeKeyId())))
                .toList()).build();
    }

    private static Uni<Response> problem(Problem problem) {
        return Uni.createFrom().item(HttpProblems.toResponse(problem));
    }
}
