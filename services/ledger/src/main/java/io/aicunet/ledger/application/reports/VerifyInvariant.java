package io.aicunet.ledger.application.reports;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.BalanceTotals;
import io.aicunet.ledger.config.LedgerServiceConfig;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Verifies the ledger's invariant: per tenant and unit, total debits equal total
 * credits (posted and pending alike), as every transfer debits one account and
 * credits another by the same amount. A violation is a bug or a change made past the
 * service: it is logged as an error and counted in metrics, for an alert.
 *
 * <p>Metrics: {@code aicunet.ledger.invariant.violations} (gauge: unbalanced
 * tenant-unit pairs in the last platform-wide check) and
 * {@code aicunet.ledger.invariant.checks} (counter, tagged {@code holds=true|false}).
 * Created at start, so that the gauge is scraped (as 0) before the first check has run,
 * 10 s after start: an alert on it sees a series from the first scrape.
 */
@Startup
@ApplicationScoped
public class VerifyInvariant {

    public static final String ACTION = "ledger.invariant.verify";

    private static final Logger LOG = Logger.getLogger(VerifyInvariant.class);

    private final LedgerAccess access;
    private final BalanceTotals totals;
    private final LedgerServiceConfig config;
    private final MeterRegistry meters;
    private final AtomicLong violations = new AtomicLong();

    public VerifyInvariant(LedgerAccess access, BalanceTotals totals, LedgerServiceConfig config,
                           MeterRegistry meters) {
        this.access = access;
        this.totals = totals;
        this.config = config;
        this.meters = meters;
        Gauge.builder("aicunet.ledger.invariant.violations", violations, AtomicLong::get)
                .description("Tenant-unit pairs whose debits did not equal their credits in the last check")
                .register(meters);
    }

    /** The check as a caller asks for it, over what the caller's scope may see. */
    public Uni<Result<BalanceTotals.Check>> execute(Caller caller) {
        boolean platformWide = caller.scope() instanceof TenantScope.Platform;
        return access.inCallerScope(caller, ACTION, Resource.platform("invariant"),
                connection -> totals.check(connection, config.invariant().violationsMax())
                        .map(check -> Result.ok(record(check, platformWide))));
    }

    /** The scheduled check over every tenant, run by each replica. */
    public Uni<BalanceTotals.Check> checkEveryTenant() {
        return TenantTransactions.<BalanceTotals.Check>inTenant(access.pool(), TenantScope.platform(),
                        connection -> totals.check(connection, config.invariant().violationsMax()).map(Result::ok))
                .map(result -> record(result.value(), true));
    }

    private BalanceTotals.Check record(BalanceTotals.Check check, boolean platformWide) {
        meters.counter("aicunet.ledger.invariant.checks", "holds", Boolean.toString(check.holds())).increment();
        if (platformWide) {
            violations.set(check.imbalances().size());
        }
        if (!check.holds()) {
            LOG.errorf("ledger invariant violated: debits differ from credits for %d tenant-unit pairs, first %s",
                    check.imbalances().size(), check.imbalances().get(0));
        }
        return check;
    }
}
