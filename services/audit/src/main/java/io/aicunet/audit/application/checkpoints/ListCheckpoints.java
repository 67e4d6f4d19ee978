package io.aicunet.audit.application.checkpoints;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.application.access.PageTokens;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** A tenant's checkpoints, newest first, a page at a time. */
@ApplicationScoped
public class ListCheckpoints {

    public static final String ACTION = "audit.checkpoints.read";

    public record Page(List<SignedTreeHead> checkpoints, String nextPageToken) {
    }

    private final AuditAccess access;
    private final AuditServiceConfig config;

    public ListCheckpoints(AuditAccess access, AuditServiceConfig config) {
        this.access = access;
        this.config = config;
    }

    public Uni<Result<Page>> execute(Caller caller, String tenantId, int requestedPageSize, String pageToken) {
        List<FieldViolation> violations = new ArrayList<>();
        int pageSize = PageTokens.pageSize(requestedPageSize, 20, config.checkpoints().pageSizeMax(), violations);
        long below = PageTokens.decode(pageToken, violations).orElse(Long.MAX_VALUE);
        return access.onLog(caller, tenantId, ACTION, violations, (connection, tenant) -> access.log()
                .checkpoints(connection, tenant, below, pageSize + 1)
                .map(found -> {
                    boolean more = found.size() > pageSize;
                    List<SignedTreeHead> page = more ? found.subList(0, pageSize) : found;
                    String next = more ? PageTokens.encode(page.get(page.size() - 1).treeSize()) : "";
                    return Result.ok(new Page(List.copyOf(page), next));
                }));
    }
}
