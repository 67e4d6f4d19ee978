package io.aicunet.ledger.application.access;

import io.aicunet.platform.policy.RequestPipeline;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
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
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The ledger's use of the request pipeline ({@link RequestPipeline}): find the tenant
 * the request acts on, admit the caller, then work in one transaction whose row-level
 * security is that tenant's (also for platform callers, so a ledger call never sees
 * two tenants' rows).
 */
@ApplicationScoped
public class LedgerAccess {

    private final RequestPipeline pipeline;
    private final Pool reporting;

    /**
     * {@code reporting} logs in as the reporting role (SELECT only, under the same
     * row-level security as the app role); in production it points at a standby.
     */
    public LedgerAccess(RequestPipeline pipeline, @ReactiveDataSource("reporting") Pool reporting) {
        this.pipeline = pipeline;
        this.reporting = reporting;
    }

    /** The tenant named by {@code tenantId}, or else the caller's own; a platform caller must name one. */
    public static Result<TenantId> tenantOf(Caller caller, String tenantId) {
        if (tenantId != null && !tenantId.isEmpty()) {
            Optional<TenantId> named = TenantId.parse(tenantId);
            return named.<Result<TenantId>>map(Result::ok).orElseGet(() -> Result.failed(
                    Problem.InvalidArgument.of("tenant_id", "must be a tenant UUID")));
        }
        if (caller.scope() instanceof TenantScope.SingleTenant single) {
            return Result.ok(single.tenant());
        }
        return Result.failed(Problem.InvalidArgument.of("tenant_id",
                "is required when the caller acts at platform scope"));
    }

    /** Authorized work on one tenant's ledger, in a transaction scoped to that tenant. */
    public <T> Uni<Result<T>> inTenant(Caller caller, String tenantId, String action, String resourceType,
                                       String resourceId, BiFunction<SqlConnection, TenantId, Uni<Result<T>>> work) {
        Result<TenantId> tenant = tenantOf(caller, tenantId);
        if (!tenant.isOk()) {
            return unnamed(caller, tenantId, action, resourceType, tenant.problem());
        }
        return pipeline.inTransaction(caller, action, Resource.owned(resourceType, resourceId, tenant.value()),
                TenantScope.of(tenant.value()), connection -> work.apply(connection, tenant.value()));
    }

    /**
     * Authorized reads of one tenant's ledger on the {@code reporting} datasource: a
     * standby in production, so they may lag the primary by the replica lag and do not
     * see a write the caller just made (no read-your-writes). Only for reports such as
     * statements; a read that a write depends on (a balance check, an idempotent replay)
     * uses {@link #inTenant}, on the primary.
     */
    public <T> Uni<Result<T>> inTenantOnReporting(Caller caller, String tenantId, String action,
                                                  String resourceType, String resourceId,
                                                  BiFunction<SqlConnection, TenantId, Uni<Result<T>>> work) {
        Result<TenantId> tenant = tenantOf(caller, tenantId);
        if (!tenant.isOk()) {
            return unnamed(caller, tenantId, action, resourceType, tenant.problem());
        }
        return authorized(caller, action, Resource.owned(resourceType, resourceId, tenant.value()),
                () -> TenantTransactions.inTenant(reporting, TenantScope.of(tenant.value()),
                        connection -> work.apply(connection, tenant.value())));
    }

    /**
     * Authorized work on one tenant's ledger that opens its own transactions (e.g. fetches
     * the tenant's data key first, so that step holds no connection and is never done for
     * a refused caller, then joins a group commit).
     */
    public <T> Uni<Result<T>> admitted(Caller caller, String tenantId, String action, String resourceType,
                                       String resourceId, Function<TenantId, Uni<Result<T>>> work) {
        Result<TenantId> tenant = tenantOf(caller, tenantId);
        if (!tenant.isOk()) {
            return unnamed(caller, tenantId, action, resourceType, tenant.problem());
        }
        return authorized(caller, action, Resource.owned(resourceType, resourceId, tenant.value()),
                () -> work.apply(tenant.value()));
    }

    /** Work in one transaction scoped to {@code tenant}, for a caller admitted before. */
    public <T> Uni<Result<T>> transaction(TenantId tenant, Function<SqlConnection, Uni<Result<T>>> work) {
        return pipeline.transaction(TenantScope.of(tenant), work);
    }

    /**
     * The answer when the request names no tenant it can act on. A caller at platform scope
     * that names none is first asked whether it may do this at platform scope at all: a
     * tenant's user who sent {@code x-aicunet-tenant: platform} is refused (403) like any
     * caller without the grant, rather than told to name a tenant it could not use either;
     * a platform caller with the grant hears that it must name one (400). A malformed
     * tenant id is a 400 for everyone.
     */
    private <T> Uni<Result<T>> unnamed(Caller caller, String tenantId, String action, String resourceType,
                                       Problem problem) {
        boolean named = tenantId != null && !tenantId.isEmpty();
        if (named || caller.scope() instanceof TenantScope.SingleTenant) {
            return Uni.createFrom().item(Result.failed(problem));
        }
        return pipeline.admitted(caller, action, Resource.platform(resourceType),
                () -> Uni.createFrom().item(Result.<T>failed(problem)));
    }

    /** Admission without a transaction, for work that opens its own. */
    public <T> Uni<Result<T>> authorized(Caller caller, String action, Resource resource,
                                         Supplier<Uni<Result<T>>> work) {
        return pipeline.admitted(caller, action, resource, work);
    }

    /** Work at the caller's own scope (platform: every tenant), for checks across tenants. */
    public <T> Uni<Result<T>> inCallerScope(Caller caller, String action, Resource resource,
                                            Function<SqlConnection, Uni<Result<T>>> work) {
        return pipeline.inCallerScope(caller, action, resource, work);
    }

    public Pool pool() {
        return pipeline.pool();
    }
}
