package io.aicunet.platform.policy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one request pipeline of every service, on gRPC and REST alike:
 * <ol>
 *   <li>authenticate: done at the edge before a use case runs ({@code GrpcCallers},
 *       {@code RestCallers}), which hands the verified {@link Caller} in;</li>
 *   <li>admit: every {@link RequestStep} bean in order (authorization by the policy,
 *       {@link PolicyStep}; rate limits and quotas take their place beside it), stopping
 *       at the first refusal;</li>
 *   <li>work, usually in one transaction whose row-level-security scope is the tenant
 *       acted on.</li>
 * </ol>
 * A refused request does nothing: no transaction is opened for it.
 */
@ApplicationScoped
public class RequestPipeline {

    private final Pool pool;
    private final List<RequestStep> steps;

    public RequestPipeline(Pool pool, Instance<RequestStep> steps) {
        this.pool = pool;
        this.steps = steps.stream().sorted(Comparator.comparingInt(RequestStep::order)).toList();
    }

    /** Empty when every step admits the caller's action on the resource; otherwise the first refusal. */
    public Uni<Optional<Problem>> admit(Caller caller, String action, Resource resource) {
        Uni<Optional<Problem>> verdict = Uni.createFrom().item(Optional.empty());
        for (RequestStep step : steps) {
            verdict = verdict.flatMap(refusal -> refusal.isPresent()
                    ? Uni.createFrom().item(refusal)
                    : step.admit(caller, action, resource));
        }
        return verdict;
    }

    /** Runs {@code work} once the caller is admitted; for work that opens its own transactions (or none). */
    public <T> Uni<Result<T>> admitted(Caller caller, String action, Resource resource,
                                       Supplier<Uni<Result<T>>> work) {
        return admit(caller, action, resource).flatMap(refusal -> refusal.isPresent()
                ? Uni.createFrom().item(Result.<T>failed(refusal.get()))
                : work.get());
    }

    /**
     * Runs {@code work} once the caller is admitted, in one transaction at {@code scope}
     * (committed when it returns an ok result, rolled back otherwise).
     */
    public <T> Uni<Result<T>> inTransaction(Caller caller, String action, Resource resource, TenantScope scope,
                                            Function<SqlConnection, Uni<Result<T>>> work) {
        return admitted(caller, action, resource, () -> TenantTransactions.inTenant(pool, scope, work));
    }

    /** Runs {@code work} once admitted, in a transaction at the caller's own scope. */
    public <T> Uni<Result<T>> inCallerScope(Caller caller, String action, Resource resource,
                                            Function<SqlConnection, Uni<Result<T>>> work) {
        return inTransaction(caller, action, resource, caller.scope(), work);
    }

    /**
     * A transaction at {@code scope} without admission: for the service's own jobs and
     * consumers (no caller), or for work whose caller was admitted already.
     */
    public <T> Uni<Result<T>> transaction(TenantScope scope, Function<SqlConnection, Uni<Result<T>>> work) {
        return TenantTransactions.inTenant(pool, scope, work);
    }

    public Pool pool() {
        return pool;
    }
}
