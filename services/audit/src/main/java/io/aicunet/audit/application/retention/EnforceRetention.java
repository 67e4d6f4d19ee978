package io.aicunet.audit.application.retention;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.platform.outbox.TenantSweep;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One pass of the retention job (triggered by AuditJobs): removes expired segments of a
 * bounded number of tenants, round-robin by tenant id (a TenantSweep: one replica at a
 * time, resuming where the last pass stopped), each under an advisory lock. One tenant's
 * failure is logged and does not stop the others.
 */
@ApplicationScoped
public class EnforceRetention {

    private final AuditAccess access;
    private final Retention retention;
    private final MeterRegistry meters;
    private final TenantSweep sweep;

    public EnforceRetention(AuditAccess access, Retention retention, AuditServiceConfig config, MeterRegistry meters) {
        this.access = access;
        this.retention = retention;
        this.meters = meters;
        this.sweep = new TenantSweep("audit.retention", access.pool(), config.retention()::tenantsPerPassMax);
    }

    /** One pass; the number of records removed. */
    public Uni<Long> runOnce() {
        return sweep.runOnce(access::tenantsWithLog, tenant -> access.asPlatform(connection -> access.log()
                        .tryLock(connection, "retention", tenant.value())
                        .flatMap(locked -> locked
                                ? retention.apply(connection, tenant.value())
                                : Uni.createFrom().item(new Retention.Outcome(0, 0, "locked"))))
                        .invoke(outcome -> meters.counter("aicunet.audit.retention.records.removed")
                                .increment(outcome.recordsRemoved()))
                        .map(Retention.Outcome::recordsRemoved))
                .map(TenantSweep.Pass::done);
    }
}
