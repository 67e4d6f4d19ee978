package io.aicunet.audit.application.checkpoints;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Signs a checkpoint of one tenant's log on demand. */
@ApplicationScoped
public class CreateCheckpoint {

    public static final String ACTION = "audit.checkpoints.create";

    private final AuditAccess access;
    private final Checkpointer checkpointer;

    public CreateCheckpoint(AuditAccess access, Checkpointer checkpointer) {
        this.access = access;
        this.checkpointer = checkpointer;
    }

    public Uni<Result<SignedTreeHead>> execute(Caller caller, String tenantId) {
        return access.onLog(caller, tenantId, ACTION, List.of(), (connection, tenant) -> checkpointer
                .checkpoint(connection, tenant)
                .map(checkpoint -> checkpoint.<Result<SignedTreeHead>>map(Result::ok).orElseGet(() -> Result.failed(
                        new Problem.FailedPrecondition("EMPTY_LOG", tenant.toString(),
                                "tenant " + tenant + " has no audit record to checkpoint")))));
    }
}
