package io.aicunet.agentstate.application.access;

import com.google.protobuf.Message;
import io.aicunet.agentstate.application.contract.AgentStateEvents;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.Agents;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.policy.RequestPipeline;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.CallerHeaders;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent-state use cases' steps around the request pipeline ({@link RequestPipeline}):
 * (the caller has checked the input,) admit the caller, open a transaction scoped to the
 * caller's tenant, find what is acted on, do the work, and write the change with its event.
 */
@ApplicationScoped
public class AgentStateAccess {

    public static final String AGENT = "agent";
    public static final String THREAD = "thread";
    public static final String CHECKPOINT = "checkpoint";
    public static final String QUEUE = "queue";

    private final RequestPipeline pipeline;
    private final Agents agents;
    private final Outbox outbox;

    public AgentStateAccess(RequestPipeline pipeline, Agents agents, Outbox outbox) {
        this.pipeline = pipeline;
        this.agents = agents;
        this.outbox = outbox;
    }

    /**
     * The tenant the caller acts for. Agents, checkpoints, heartbeats, leases and tasks
     * always belong to one tenant, so platform scope is refused for them.
     */
    public static Result<TenantId> tenantOf(Caller caller) {
        if (caller.scope() instanceof TenantScope.SingleTenant single) {
            return Result.ok(single.tenant());
        }
        return Result.failed(Problem.InvalidArgument.of(CallerHeaders.TENANT,
                "must be a tenant UUID for this call: agents, checkpoints, leases and tasks belong to one tenant"));
    }

    /** Runs {@code work} once the request pipeline admits the caller's {@code action} on the resource. */
    public <T> Uni<Result<T>> authorized(Caller caller, String action, Resource resource,
                                         Supplier<Uni<Result<T>>> work) {
        return pipeline.admitted(caller, action, resource, work);
    }

    /** Work in one transaction of the caller's tenant, once admitted. */
    public <T> Uni<Result<T>> inTenant(Caller caller, TenantId tenant, String action, String resourceType,
                                       String resourceId, Function<SqlConnection, Uni<Result<T>>> work) {
        return pipeline.inTransaction(caller, action, Resource.owned(resourceType, resourceId, tenant),
                TenantScope.of(tenant), work);
    }

    /** Work on one agent of the caller's tenant that exists, locked as asked. */
    public <T> Uni<Result<T>> onAgent(Caller caller, TenantId tenant, AgentId agentId, String action, LockMode lock,
                                      BiFunction<SqlConnection, Agent, Uni<Result<T>>> work) {
        return inTenant(caller, tenant, action, AGENT, agentId.toString(), connection -> withAgent(
                connection, agentId, lock, agent -> work.apply(connection, agent)));
    }

    /** The agent in the current transaction, or NOT_FOUND. */
    public <T> Uni<Result<T>> withAgent(SqlConnection connection, AgentId agentId, LockMode lock,
                                        Function<Agent, Uni<Result<T>>> work) {
        return agents.find(connection, agentId, lock).flatMap(found -> found.isEmpty()
                ? Uni.createFrom().item(Result.<T>failed(new Problem.NotFound(AGENT, agentId.toString())))
                : work.apply(found.get()));
    }

    /** Appends an event about an agent of {@code tenant} in the current transaction. */
    public Uni<Void> announce(SqlConnection connection, TenantId tenant, AgentId agentId, Message event) {
        return outbox.append(connection, outbox.event(AgentStateEvents.TOPIC, tenant, agentId.toString(), event))
                .replaceWithVoid();
    }

    /** A transaction at the given scope, for the service's own jobs and for erasure. */
    public <T> Uni<Result<T>> transaction(TenantScope scope, Function<SqlConnection, Uni<Result<T>>> work) {
        return pipeline.transaction(scope, work);
    }

    public Agents agents() {
        return agents;
    }

    /** The service's pool (app role), for what holds a connection of its own, like a tenant sweep. */
    public Pool pool() {
        return pipeline.pool();
    }

    /** A failed result as a Uni, for early returns. */
    public static <T> Uni<Result<T>> refuse(Problem problem) {
        return Uni.createFrom().item(Result.failed(problem));
    }
}
