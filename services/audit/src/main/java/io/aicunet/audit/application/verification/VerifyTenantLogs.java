package io.aicunet.audit.application.verification;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.platform.auditlog.VerificationReport;
import io.aicunet.platform.outbox.TenantSweep;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One pass of the verification job (triggered by AuditJobs): verifies tenants' logs in
 * the background, a bounded number per pass, round-robin by tenant id (a TenantSweep: one
 * replica at a time, resuming where the last pass stopped), each under an advisory lock.
 * Metrics: {@code aicunet_audit_verification_failed_tenants} (tenants whose last
 * verification failed: alert on anything above 0) and {@code aicunet_audit_verifications_total}
 * by result.
 */
@ApplicationScoped
public class VerifyTenantLogs {

    private static final Logger LOG = Logger.getLogger(VerifyTenantLogs.class);

    private final AuditAccess access;
    private final LogVerification verification;
    private final MeterRegistry meters;
    private final TenantSweep sweep;
    private final Set<UUID> failedTenants = ConcurrentHashMap.newKeySet();

    public VerifyTenantLogs(AuditAccess access, LogVerification verification, AuditServiceConfig config,
                            MeterRegistry meters) {
        this.access = access;
        this.verification = verification;
        this.meters = meters;
        this.sweep = new TenantSweep("audit.verification", access.pool(), config.verification()::tenantsPerPassMax);
        Gauge.builder("aicunet.audit.verification.failed.tenants", failedTenants, Set::size)
                .description("Tenants whose most recent log verification found the log altered")
                .register(meters);
    }

    /** One pass; the number of tenants whose log failed. */
    public Uni<Integer> runOnce() {
        return sweep.runOnce(access::tenantsWithLog, tenant -> access.asPlatform(connection -> access.log()
                        .tryLock(connection, "verify", tenant.value())
                        .flatMap(locked -> locked
                                ? verification.verify(connection, tenant.value())
                                : Uni.createFrom().item(Optional.<VerificationReport>empty())))
                        .map(report -> {
                            report.ifPresent(this::record);
                            return report.isPresent() && !report.get().ok() ? 1L : 0L;
                        }))
                .map(pass -> (int) pass.done());
    }

    /** Counts a verification and keeps the failed-tenants gauge current. */
    public void record(VerificationReport report) {
        meters.counter("aicunet.audit.verifications", "result", report.ok() ? "verified" : "failed").increment();
        if (report.ok()) {
            failedTenants.remove(report.tenantId());
        } else {
            failedTenants.add(report.tenantId());
            LOG.errorf("audit log of tenant %s failed verification: %s", report.tenantId(), report.summary());
        }
    }
}
