package io.aicunet.tenant.application.tenants;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.tenant.application.tenants.TenantCommands.ListTenantsQuery;
import io.aicunet.tenant.config.TenantServiceConfig;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.domain.Tenant;
import io.aicunet.tenant.domain.TenantRules;
import io.aicunet.tenant.domain.TenantStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lists tenants by slug, a page at a time. The page token is the last slug of the
 * previous page, so pages stay stable while tenants are added; any slug is a valid
 * token (the page of the tenants whose slugs sort after it).
 */
@ApplicationScoped
public class ListTenants {

    public static final String ACTION = "tenant.tenants.list";

    /** One page; {@code nextPageToken} is empty on the last. */
    public record Page(List<Tenant> tenants, String nextPageToken) {
    }

    private final TenantAccess access;
    private final TenantServiceConfig config;

    public ListTenants(TenantAccess access, TenantServiceConfig config) {
        this.access = access;
        this.config = config;
    }

    public Uni<Result<Page>> execute(Caller caller, ListTenantsQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        int pageSize = query.pageSize() == 0 ? config.pageSizeDefault() : query.pageSize();
        if (pageSize < 1 || pageSize > config.pageSizeMax()) {
            violations.add(new FieldViolation("page_size", "must be 1 to " + config.pageSizeMax()));
        }
        Optional<String> afterSlug = decode(query.pageToken(), violations);
        Optional<TenantStatus> status = query.status().flatMap(s -> TenantInputs.status(s, violations));
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        return access.onPlatform(caller, ACTION, connection -> access.tenants()
                .list(connection, afterSlug, status, pageSize + 1)
                .map(found -> {
                    boolean more = found.size() > pageSize;
                    List<Tenant> page = more ? found.subList(0, pageSize) : found;
                    String next = more ? encode(page.get(page.size() - 1).slug()) : "";
                    return Result.ok(new Page(List.copyOf(page), next));
                }));
    }

    /**
     * The token of the page after {@code slug}: the slug itself. It is a cursor, not a
     * secret (tenants are listed by slug), and a token any slug-shaped text can be is one
     * the OpenAPI document can describe exactly; a client treats it as opaque all the same.
     */
    private static String encode(String slug) {
        return slug;
    }

    private static Optional<String> decode(String token, List<FieldViolation> violations) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        List<FieldViolation> slugViolations = new ArrayList<>();
        TenantRules.checkSlug(token, slugViolations);
        if (slugViolations.isEmpty()) {
            return Optional.of(token);
        }
        violations.add(new FieldViolation("page_token", "is not a token this service issued"));
        return Optional.empty();
    }
}
