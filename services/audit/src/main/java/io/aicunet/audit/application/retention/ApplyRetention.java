package io.aicunet.audit.application.retention;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Removes one tenant's expired segments now. */
@ApplicationScoped
public class ApplyRetention {

    public static final String ACTION = "audit.retention.apply";

    private final AuditAccess access;
    private final Retention retention;

    public ApplyRetention(AuditAccess access, Retention retention) {
        this.access = access;
        this.retention = retention;
    }

    public Uni<Result<Retention.Outcome>> execute(Caller caller, String tenantId) {
        return access.onLog(caller, tenantId, ACTION, List.of(),
                (connection, tenant) -> retention.apply(connection, tenant).map(Result::ok));
    }
}
