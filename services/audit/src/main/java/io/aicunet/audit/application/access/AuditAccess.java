package io.aicunet.audit.application.access;

import io.aicunet.audit.application.port.AuditLog;
import io.aicunet.platform.policy.RequestPipeline;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.quarkus.reactive.datasource.ReactiveDataSource;
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
 * The audit use cases' steps around the request pipeline ({@link RequestPipeline}):
 * check the input, admit the caller on the tenant's log, open a transaction scoped to
 * the caller's tenant, and do the work. Jobs and the Kafka ingest, which act for the platform,
 * use {@link #asPlatform}.
 */
@ApplicationScoped
public class AuditAccess {

    /** The resource type of a tenant's audit log in policy inputs. */
    public static final String RESOURCE_TYPE = "audit-log";

    private final RequestPipeline pipeline;
    private final AuditLog log;
    private final Pool reporting;

    /**
     * {@code reporting} logs in as the reporting role (SELECT only, under the same
     * row-level security as the app role); in production it points at a standby.
     */
    public AuditAccess(RequestPipeline pipeline, AuditLog log, @ReactiveDataSource("reporting") Pool reporting) {
        this.pipeline = pipeline;
        this.log = log;
        this.reporting = reporting;
    }

    /**
     * Work on one tenant's log: {@code violations} found by the caller's own checks and a
     * malformed tenant id are refused together, before the policy is asked.
     */
    public <T> Uni<Result<T>> onLog(Caller caller, String rawTenantId, String action, List<FieldViolation> violations,
                                    BiFunction<SqlConnection, UUID, Uni<Result<T>>> work) {
        return onLog(caller, rawTenantId, action, violations, false, work);
    }

    /**
     * Like {@link #onLog}, but reading on the {@code reporting} datasource: a standby in
     * production, so what it reads may lag the primary by the replica lag, and a record
     * appended a moment ago may not be there yet (no read-your-writes; docs/audit.md).
     * Read-only: the work must not write.
     */
    public <T> Uni<Result<T>> onLogForReport(Caller caller, String rawTenantId, String action,
                                             List<FieldViolation> violations,
                                             BiFunction<SqlConnection, UUID, Uni<Result<T>>> work) {
        return onLog(caller, rawTenantId, action, violations, true, work);
    }

    private <T> Uni<Result<T>> onLog(Caller caller, String rawTenantId, String action, List<FieldViolation> violations,
                                     boolean forReport, BiFunction<SqlConnection, UUID, Uni<Result<T>>> work) {
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
        if (forReport) {
            return pipeline.admitted(caller, action, resource, () -> TenantTransactions.inTenant(reporting,
                    caller.scope(), connection -> work.apply(connection, id.value())));
        }
        return pipeline.inCallerScope(caller, action, resource, connection -> work.apply(connection, id.value()));
    }

    /** Work of the service itself (jobs, ingest), in one transaction at platform scope; commits unless it fails. */
    public <T> Uni<T> asPlatform(Function<SqlConnection, Uni<T>> work) {
        return pipeline.pool().withTransaction(connection -> TenantTransactions.setScope(connection, TenantScope.platform())
                .flatMap(ignored -> work.apply(connection)));
    }

    public AuditLog log() {
        return log;
    }

    /** The service's pool (app role), for the jobs' tenant sweeps. */
    public Pool pool() {
        return pipeline.pool();
    }

    /** At most {@code limit} tenants with a log, after {@code cursor} (from the first when empty), by id. */
    public Uni<List<TenantId>> tenantsWithLog(Optional<TenantId> cursor, int limit) {
        return asPlatform(connection -> log.tenants(connection, cursor.map(TenantId::value), limit))
                .map(tenants -> tenants.stream().map(TenantId::new).toList());
    }
}
