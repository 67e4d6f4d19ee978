package io.aicunet.audit.application;

import io.aicunet.platform.policy.Authorizer;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The steps every audit use case shares, in their fixed order: check the input, ask
 * the policy about the tenant's log, open a transaction scoped to the caller's
 * tenant, and do the work. Jobs and the Kafka ingest, which act for the platform,
 * use {@link #asPlatform}.
 */
@ApplicationScoped
public class AuditAccess {

    /** The resource type of a tenant's audit log in policy inputs. */
    public static final String RESOURCE_TYPE = "audit-log";

    private final Pool pool;
    private final AuditLog log;
    private final Authorizer authorizer;

    public AuditAccess(Pool pool, AuditLog log, Authorizer authorizer) {
        this.pool = pool;
        this.log = log;
        this.authorizer = authorizer;
    }

    /**
     * Work on one tenant's log: {@code violations} found by the caller's own checks and a
     * malformed tenant id are refused together, before the policy is asked.
     */
    public <T> Uni<Result<T>> onLog(Caller caller, String rawTenantId, String action, List<FieldViolation> violations,
                                    BiFunction<SqlConnection, UUID, Uni<Result<T>>> work) {
        List<FieldViolation> all = new ArrayList<>();
        Optional<TenantId> tenant = TenantId.parse(rawTenantId);
        if (tenant.isEmpty()) {
            all.add(new FieldViolation("tenant_id", "must be a tenant UUID"));
        }
        all.addAll(violations);
        if (!all.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(all)));
        }
        TenantId id = tenant.get();
        Resource resource = Resource.owned(RESOURCE_TYPE, id.toString(), id);
        return authorizer.check(caller, action, resource).flatMap(refusal -> refusal.isPresent()
                ? Uni.createFrom().item(Result.<T>failed(refusal.get()))
                : TenantTransactions.inTenant(pool, caller.scope(), connection -> work.apply(connection, id.value())));
    }

    /** Work of the service itself (jobs, ingest), in one transaction at platform scope; commits unless it fails. */
    public <T> Uni<T> asPlatform(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(connection -> TenantTransactions.setScope(connection, TenantScope.platform())
                .flatMap(ignored -> work.apply(connection)));
    }

    public AuditLog log() {
        return log;
    }
}
