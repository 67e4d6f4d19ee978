package io.aicunet.ledger.application.reports;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.CostReports;
import io.aicunet.ledger.config.LedgerServiceConfig;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * FinOps reports: cost per tenant per day, and per account code per day, over a
 * bounded range of days. A tenant's caller sees its own tenant; a platform caller
 * every tenant, or the one it names.
 */
@ApplicationScoped
public class ReadCostReport {

    public static final String ACTION = "ledger.reports.read";

    private final LedgerAccess access;
    private final CostReports reports;
    private final LedgerServiceConfig config;

    public ReadCostReport(LedgerAccess access, CostReports reports, LedgerServiceConfig config) {
        this.access = access;
        this.reports = reports;
        this.config = config;
    }

    public Uni<Result<CostReports.Rows<CostReports.TenantDay>>> perTenantDay(Caller caller, ReportQuery query) {
        return read(caller, query, range -> reports.perTenantDay(range.scope(), range.tenant(), range.from(),
                range.to(), config.reports().rowsMax()));
    }

    public Uni<Result<CostReports.Rows<CostReports.AccountCodeDay>>> perAccountCodeDay(Caller caller,
                                                                                        ReportQuery query) {
        return read(caller, query, range -> reports.perAccountCodeDay(range.scope(), range.tenant(), range.from(),
                range.to(), config.reports().rowsMax()));
    }

    private record Range(TenantScope scope, Optional<TenantId> tenant, LocalDate from, LocalDate to) {
    }

    private <T> Uni<Result<T>> read(Caller caller, ReportQuery query, Function<Range, Uni<T>> report) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<TenantId> tenant = Optional.empty();
        if (query.tenantId() != null && !query.tenantId().isEmpty()) {
            tenant = TenantId.parse(query.tenantId());
            if (tenant.isEmpty()) {
                violations.add(new FieldViolation("tenant_id", "must be a tenant UUID"));
            }
        } else if (caller.scope() instanceof TenantScope.SingleTenant single) {
            tenant = Optional.of(single.tenant());
        }
        LocalDate to = query.to().orElse(LocalDate.now(ZoneOffset.UTC));
        LocalDate from = query.from().orElse(to.minusDays(30));
        if (from.isAfter(to)) {
            violations.add(new FieldViolation("from", "must not be after 'to'"));
        } else if (ChronoUnit.DAYS.between(from, to) >= config.reports().daysMax()) {
            violations.add(new FieldViolation("from", "the range covers at most " + config.reports().daysMax()
                    + " days"));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        Resource resource = tenant.map(t -> Resource.owned("report", "", t)).orElse(Resource.platform("report"));
        // A named tenant narrows row-level security to it, whoever asks.
        TenantScope scope = tenant.map(TenantScope::of).orElse(caller.scope());
        Range range = new Range(scope, tenant, from, to);
        return access.authorized(caller, ACTION, resource, () -> report.apply(range).map(Result::ok));
    }
}
