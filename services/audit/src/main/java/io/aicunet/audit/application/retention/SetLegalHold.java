package io.aicunet.audit.application.retention;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.domain.AuditRules;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Places or lifts a tenant's legal hold; while it holds, retention removes nothing. */
@ApplicationScoped
public class SetLegalHold {

    public static final String ACTION = "audit.legal-holds.set";

    private final AuditAccess access;

    public SetLegalHold(AuditAccess access) {
        this.access = access;
    }

    public Uni<Result<Boolean>> execute(Caller caller, String tenantId, boolean held, String reason) {
        List<FieldViolation> violations = new ArrayList<>();
        AuditRules.checkText("reason", reason, AuditRules.LEGAL_HOLD_REASON_LENGTH_MAX, held, violations);
        return access.onLog(caller, tenantId, ACTION, violations, (connection, tenant) -> access.log()
                .saveLegalHold(connection, tenant, held, reason == null ? "" : reason.trim())
                .replaceWith(Result.ok(held)));
    }
}
