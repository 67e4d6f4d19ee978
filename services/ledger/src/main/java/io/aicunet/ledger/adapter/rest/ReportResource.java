package io.aicunet.ledger.adapter.rest;

import io.aicunet.ledger.adapter.rest.LedgerJson.InvariantBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.ReportBody;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Read-only FinOps reports and the ledger's invariant check. */
@Path("/v1")
@Tag(name = "reports")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class ReportResource {

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
                    + " every tenant unless it names one. At most 366 days, 1000 rows (then truncated is true).")
    public Uni<Response> costPerTenantDay(@QueryParam("tenant_id") String tenantId,
                                          @Parameter(description = "first day, ISO date; default: 30 days before to")
                                          @QueryParam("from") String from,
                                          @Parameter(description = "last day, ISO date; default: today (UTC)")
                                          @QueryParam("to") String to) {
        return withRange(tenantId, from, to, query -> HttpCallers.serve(caller -> readCostReport.perTenantDay(caller, query),
                report -> Response.ok(ReportBody.ofTenantDays(report)).build()));
    }

    @GET
    @Path("/reports/cost-per-account-code-day")
    @Operation(summary = "Posted debits and credits per tenant, day (UTC), account code and unit")
    public Uni<Response> costPerAccountCodeDay(@QueryParam("tenant_id") String tenantId,
                                               @QueryParam("from") String from,
                                               @QueryParam("to") String to) {
        return withRange(tenantId, from, to, query -> HttpCallers.serve(caller -> readCostReport.perAccountCodeDay(caller, query),
                report -> Response.ok(ReportBody.ofAccountCodeDays(report)).build()));
    }

    @GET
    @Path("/invariant")
    @Operation(summary = "Verify that debits equal credits per tenant and unit",
            description = "Platform operators only; the same check runs on a schedule and sets the metric"
                    + " aicunet_ledger_invariant_violations.")
    public Uni<Response> invariant() {
        return HttpCallers.serve(verifyInvariant::execute,
                check -> Response.ok(InvariantBody.of(check)).build());
    }

    private static Uni<Response> withRange(String tenantId, String from, String to,
                                           Function<ReportQuery, Uni<Response>> report) {
        Optional<LocalDate> first;
        Optional<LocalDate> last;
        try {
            first = date(from);
        } catch (DateTimeParseException notDate) {
            return invalidDate("from");
        }
        try {
            last = date(to);
        } catch (DateTimeParseException notDate) {
            return invalidDate("to");
        }
        return report.apply(new ReportQuery(tenantId, first, last));
    }

    private static Optional<LocalDate> date(String text) {
        return text == null || text.isEmpty() ? Optional.empty() : Optional.of(LocalDate.parse(text));
    }

    private static Uni<Response> invalidDate(String field) {
        return Uni.createFrom().item(HttpProblems.toResponse(Problem.InvalidArgument.of(field,
                "must be an ISO date such as 2026-01-31")));
    }
}
