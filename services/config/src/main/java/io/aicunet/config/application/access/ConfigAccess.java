package io.aicunet.config.application.access;

import io.aicunet.config.domain.ConfigScope;
import io.aicunet.platform.policy.RequestPipeline;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The config use cases' steps around the request pipeline ({@link RequestPipeline}):
 * (the caller checked the input,) admit the caller, then open a transaction scoped to
 * the caller's tenant, so row-level security holds whatever the use case reads or writes.
 */
@ApplicationScoped
public class ConfigAccess {

    /** Reading entries, effective configurations, revisions and the watch: one policy action. */
    public static final String READ_ENTRIES = "config.entries.read";

    public static final String ENTRY = "config-entry";
    public static final String SCHEMA = "config-schema";
    public static final String SECRET = "config-secret";
    public static final String REVISIONS = "config-revisions";

    private final RequestPipeline pipeline;

    public ConfigAccess(RequestPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** The resource a scope's data is: the tenant's own for tenant-bearing scopes, else platform-level. */
    public static Resource resourceOf(String type, String id, Optional<TenantId> owner) {
        return new Resource(type, id, owner);
    }

    public static Resource resourceOf(String type, String id, ConfigScope scope) {
        return resourceOf(type, id, scope.tenant());
    }

    /** Runs the work in a transaction of the caller's tenant scope, if the policy allows the action. */
    public <T> Uni<Result<T>> authorizedInScope(Caller caller, String action, Resource resource,
                                                Function<SqlConnection, Uni<Result<T>>> work) {
        return authorized(caller, action, resource, () -> inScope(caller, work));
    }

    /** Runs the work in a transaction of the caller's tenant scope (after the caller was authorized). */
    public <T> Uni<Result<T>> inScope(Caller caller, Function<SqlConnection, Uni<Result<T>>> work) {
        return pipeline.transaction(caller.scope(), work);
    }

    public <T> Uni<Result<T>> authorized(Caller caller, String action, Resource resource,
                                         Supplier<Uni<Result<T>>> work) {
        return pipeline.admitted(caller, action, resource, work);
    }

    public RequestPipeline pipeline() {
        return pipeline;
    }

    public Pool pool() {
        return pipeline.pool();
    }
}
