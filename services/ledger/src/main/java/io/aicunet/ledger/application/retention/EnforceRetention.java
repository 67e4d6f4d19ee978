package io.aicunet.ledger.application.retention;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.PersonalRecords;
import io.aicunet.ledger.config.LedgerServiceConfig;
import io.aicunet.platform.outbox.TenantSweep;
import io.aicunet.platform.privacy.DataClass;
import io.aicunet.platform.privacy.TenantRetentions;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Removes personal data older than the tenant's period for the PERSONAL class: the
 * personal metadata of transfers recorded before the cutoff, and the subject of closed
 * accounts whose last transfer is before it. Accounts, amounts and balances stay: the
 * FINANCIAL class is not removed by the ledger (docs/ledger.md, Privacy, says why).
 *
 * <p>A pass is a {@link TenantSweep} ({@code retention.personal}): it visits up to
 * {@code tenantsPerPassMax} tenants that have personal data, in id order after where the
 * previous pass stopped (on any replica; one replica at a time runs it); per tenant it
 * changes up to {@code batchSize} rows per short transaction. Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so a privacy request erasing at the same time takes other
 * rows. A tenant the tenant service does not know (or has erased) is left alone: its
 * erasure removes its data. A tenant whose periods cannot be read is skipped until the
 * next pass.
 */
@ApplicationScoped
public class EnforceRetention {

    private static final Logger LOG = Logger.getLogger(EnforceRetention.class);

    private final LedgerAccess access;
    private final PersonalRecords records;
    private final TenantRetentions retentions;
    private final LedgerServiceConfig.Retention config;
    private final MeterRegistry meters;
    private final TenantSweep sweep;

    public EnforceRetention(LedgerAccess access, PersonalRecords records, TenantRetentions retentions,
                            LedgerServiceConfig config, MeterRegistry meters) {
        this.access = access;
        this.records = records;
        this.retentions = retentions;
        this.config = config.retention();
        this.meters = meters;
        this.sweep = new TenantSweep("retention.personal", access.pool(), this.config);
    }

    /** One pass as if it were {@code now}; how many rows lost personal data (0 when another replica runs it). */
    public Uni<Long> enforce(Instant now) {
        return sweep.runOnce(this::tenantsWithPersonalData, tenant -> enforce(tenant, now))
                .map(TenantSweep.Pass::done)
                .invoke(removed -> meters.counter("aicunet.ledger.retention.personal.removed").increment(removed));
    }

    private Uni<List<TenantId>> tenantsWithPersonalData(Optional<TenantId> after, int limit) {
        return TenantTransactions.<List<TenantId>>inTenant(access.pool(), TenantScope.platform(),
                        connection -> records.tenantsWithPersonalData(connection, after, limit).map(Result::ok))
                .map(Result::value);
    }

    /** The tenant's personal data past its period, removed in batches; how many rows changed. */
    public Uni<Long> enforce(TenantId tenant, Instant now) {
        return retentions.of(tenant)
                .flatMap(periods -> {
                    Optional<Instant> cutoff = periods.flatMap(p -> p.cutoff(DataClass.PERSONAL, now));
                    return cutoff.isEmpty() ? Uni.createFrom().item(0L) : removeBefore(tenant, cutoff.get(), 0);
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "retention of tenant %s failed; the next pass tries again", tenant);
                    return 0L;
                });
    }

    /** What one retention transaction changed. */
    private record Removed(int transfers, int accounts) {
    }

    private Uni<Long> removeBefore(TenantId tenant, Instant cutoff, int batchesDone) {
        int batch = config.batchSize();
        return TenantTransactions.<Removed>inTenant(access.pool(), TenantScope.of(tenant),
                        connection -> records.dropPersonalMetadataBefore(connection, tenant, cutoff, batch)
                                .flatMap(transfers -> records.dropSubjectsOfClosedAccountsBefore(connection, tenant,
                                        cutoff, batch).map(accounts -> Result.ok(new Removed(transfers, accounts)))))
                .map(Result::value)
                .flatMap(removed -> {
                    long changed = (long) removed.transfers() + removed.accounts();
                    if (changed > 0) {
                        LOG.debugf("retention removed personal data of %d transfers and %d accounts of tenant %s"
                                + " (before %s)", removed.transfers(), removed.accounts(), tenant, cutoff);
                    }
                    boolean more = removed.transfers() >= batch || removed.accounts() >= batch;
                    return more && batchesDone + 1 < config.batchesPerTenantMax()
                            ? removeBefore(tenant, cutoff, batchesDone + 1).map(rest -> rest + changed)
                            : Uni.createFrom().item(changed);
                });
    }
}
