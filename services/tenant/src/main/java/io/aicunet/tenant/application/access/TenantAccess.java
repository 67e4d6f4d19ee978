package io.aicunet.tenant.application.access;

import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.policy.RequestPipeline;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.tenant.application.port.Tenants;
import io.aicunet.tenant.domain.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The tenant use cases' steps around the request pipeline ({@link RequestPipeline}):
 * check the input, admit the caller, open a transaction scoped to the caller's tenant,
 * find the tenant, do the work, and write the change with its event.
 */
@ApplicationScoped
public class TenantAccess {

    static final String RESOURCE_TYPE = "tenant";

    private final RequestPipeline pipeline;
    private final Tenants tenants;
    private final Outbox outbox;

    public TenantAccess(RequestPipeline pipeline, Tenants tenants, Outbox outbox) {
        this.pipeline = pipeline;
        this.tenants = tenants;
        this.outbox = outbox;
    }

    /** Work on one tenant that exists and that the caller may act on. */
    public <T> Uni<Result<T>> onTenant(Caller caller, String rawTenantId, String action, boolean lock,
                                       BiFunction<SqlConnection, Tenant, Uni<Result<T>>> work) {
        Optional<TenantId> id = TenantId.parse(rawTenantId);
        if (id.isEmpty()) {
            return Uni.createFrom().item(Result.failed(Problem.InvalidArgument.of("tenant_id", "must be a UUID")));
        }
        Resource resource = Resource.owned(RESOURCE_TYPE, id.get().toString(), id.get());
        return pipeline.inCallerScope(caller, action, resource,
                connection -> tenants.find(connection, id.get(), lock).flatMap(found -> found.isEmpty()
                        ? Uni.createFrom().item(Result.failed(new Problem.NotFound(RESOURCE_TYPE, rawTenantId)))
                        : work.apply(connection, found.get())));
    }

    /** Work on no single tenant (creating or listing tenants). */
    public <T> Uni<Result<T>> onPlatform(Caller caller, String action,
                                         Function<SqlConnection, Uni<Result<T>>> work) {
        return pipeline.inCallerScope(caller, action, Resource.platform(RESOURCE_TYPE), work);
    }

    /** Stores the changed tenant and the event announcing it in the current transaction. */
    public Uni<Result<Tenant>> save(SqlConnection connection, Tenant changed, OutboxEvent event) {
        return tenants.update(connection, changed)
                .flatMap(ignored -> outbox.append(connection, event))
                .map(ignored -> Result.ok(changed));
    }

    /** A transaction in the caller's scope, for work that must read before it can ask the policy. */
    public <T> Uni<Result<T>> inCallerScope(Caller caller, Function<SqlConnection, Uni<Result<T>>> work) {
        return pipeline.transaction(caller.scope(), work);
    }

    /** A transaction at platform scope, for the service's own jobs and event handlers (no caller). */
    public <T> Uni<Result<T>> asPlatform(Function<SqlConnection, Uni<Result<T>>> work) {
        return pipeline.transaction(TenantScope.platform(), work);
    }

    /** Empty when the request pipeline admits the caller's action on the resource. */
    public Uni<Optional<Problem>> authorize(Caller caller, String action, Resource resource) {
        return pipeline.admit(caller, action, resource);
    }

    public Outbox outbox() {
        return outbox;
    }

    public Tenants tenants() {
        return tenants;
    }
}
