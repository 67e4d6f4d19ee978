package io.aicunet.ledger.adapter.rest;

import io.aicunet.ledger.adapter.rest.LedgerJson.AccountCodeDayReportBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.InvariantBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.TenantDayReportBody;
import io.aicunet.ledger.application.reports.ReadCostReport;
import io.aicunet.ledger.application.reports.ReportQuery;
import io.aicunet.ledger.application.reports.VerifyInvariant;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Read-only FinOps reports and the ledger's invariant check. */
@Path("/v1")
@Tag(name = "reports")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class ReportResource {

    private static final String TENANT_DESCRIPTION = "The tenant to report on; empty or absent: the caller's own"
            + " tenant, or every tenant for a platform caller.";
    private static final String FROM_DESCRIPTION = "The first day (UTC), an ISO date; omitted: 30 days before to.";
    private static final String TO_DESCRIPTION = "The last day (UTC), an ISO date; omitted: today.";

    private final ReadCostReport readCostReport;
    private final VerifyInvariant verifyInvariant;

    public ReportResource(ReadCostReport readCostReport, VerifyInvariant verifyInvariant) {
        this.readCostReport = readCostReport;
        this.verifyInvariant = verifyInvariant;
    }

    @GET
    @Path("/reports/cost-per-tenant-day")
    @Operation(summary = "Posted cost per tenant, day (UTC) and unit",
            description = "Read through the reporting role. A tenant's caller sees its own tenant; a platform caller"
                    + " every tenant unless it names one. At most 1000 rows (then truncated is true). The range"
                    + " from..to must not run backwards and covers at most 366 days (400 otherwise).")
    @APIResponse(responseCode = "200", description = "The report.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TenantDayReportBody.class)))
    public Uni<Response> costPerTenantDay(@Parameter(description = TENANT_DESCRIPTION, schema = @Schema(
                                                  type = SchemaType.STRING, pattern = LedgerJson.TENANT_ID_PATTERN))
                                          @QueryParam("tenant_id") String tenantId,
                                          @Parameter(description = FROM_DESCRIPTION,
                                                  schema = @Schema(type = SchemaType.STRING, format = "date"))
                                          @QueryParam("from") String from,
                                          @Parameter(description = TO_DESCRIPTION,
                                                  schema = @Schema(type = SchemaType.STRING, format = "date"))
                                          @QueryParam("to") String to,
                                          @Context UriInfo uri) {
        return withRange(tenantId, uri, query -> HttpCallers.serve(caller -> readCostReport.perTenantDay(caller, query),
                report -> Response.ok(TenantDayReportBody.of(report)).build()));
    }

    @GET
    @Path("/reports/cost-per-account-code-day")
    @Operation(summary = "Posted debits and credits per tenant, day (UTC), account code and unit",
            description = "As cost-per-tenant-day: at most 1000 rows, a range of at most 366 days.")
    @APIResponse(responseCode = "200", description = "The report.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AccountCodeDayReportBody.class)))
    public Uni<Response> costPerAccountCodeDay(@Parameter(description = TENANT_DESCRIPTION, schema = @Schema(
                                                       type = SchemaType.STRING,
                                                       pattern = LedgerJson.TENANT_ID_PATTERN))
                                               @QueryParam("tenant_id") String tenantId,
                                               @Parameter(description = FROM_DESCRIPTION,
                                                       schema = @Schema(type = SchemaType.STRING, format = "date"))
                                               @QueryParam("from") String from,
                                               @Parameter(description = TO_DESCRIPTION,
                                                       schema = @Schema(type = SchemaType.STRING, format = "date"))
                                               @QueryParam("to") String to,
                                          @Context UriInfo uri) {
        return withRange(tenantId, uri, query -> HttpCallers.serve(caller -> readCostReport.perAccountCodeDay(caller, query),
                report -> Response.ok(AccountCodeDayReportBody.of(report)).build()));
    }

    @GET
    @Path("/invariant")
    @Operation(summary = "Verify that debits equal credits per tenant and unit",
            description = "Platform operators only; the same check runs on a schedule and sets the metric"
                    + " aicunet_ledger_invariant_violations.")
    @APIResponse(responseCode = "200", description = "The check's result.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = InvariantBody.class)))
    public Uni<Response> invariant() {
        return HttpCallers.serve(verifyInvariant::execute,
                check -> Response.ok(InvariantBody.of(check)).build());
    }

    /**
     * The range as sent: {@code from} and {@code to} (declared on the methods for the document)
     * read from the query as they came (QueryValues), so an empty one is refused, not a default.
     */
    private static Uni<Response> withRange(String tenantId, UriInfo uri,
                                           Function<ReportQuery, Uni<Response>> report) {
        Optional<LocalDate> first;
        Optional<LocalDate> last;
        try {
            first = date(QueryValues.sent(uri, "from"));
        } catch (DateTimeParseException notDate) {
            return invalidDate("from");
        }
        try {
            last = date(QueryValues.sent(uri, "to"));
        } catch (DateTimeParseException notDate) {
            return invalidDate("to");
        }
        return report.apply(new ReportQuery(tenantId, first, last));
    }

    /** Absent is the default; present, even empty, it must be a date (the document's {@code format: date}). */
    private static Optional<LocalDate> date(Optional<String> text) {
        return text.map(LocalDate::parse);
    }

    private static Uni<Response> invalidDate(String field) {
        return Uni.createFrom().item(HttpProblems.toResponse(Problem.InvalidArgument.of(field,
                "must be an ISO date such as 2026-01-31")));
    }
}
