package io.aicunet.audit.application.verification;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.platform.auditlog.VerificationReport;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Verifies one tenant's stored log on demand. */
@ApplicationScoped
public class VerifyLog {

    public static final String ACTION = "audit.log.verify";

    private final AuditAccess access;
    private final LogVerification verification;
    private final VerifyTenantLogs job;

    public VerifyLog(AuditAccess access, LogVerification verification, VerifyTenantLogs job) {
        this.access = access;
        this.verification = verification;
        this.job = job;
    }

    public Uni<Result<VerificationReport>> execute(Caller caller, String tenantId) {
        return access.onLog(caller, tenantId, ACTION, List.of(), (connection, tenant) -> verification
                .verify(connection, tenant)
                .map(report -> report.<Result<VerificationReport>>map(r -> {
                    job.record(r);
                    return Result.ok(r);
                }).orElseGet(() -> Result.failed(new Problem.NotFound("audit-log", tenant.toString())))));
    }
}
