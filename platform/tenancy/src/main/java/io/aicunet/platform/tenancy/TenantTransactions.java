package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.Result;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs work in one transaction whose row-level-security context is the caller's
 * tenant scope. The scope is set with {@code set_config(..., true)}, which lasts
 * only until the transaction ends: a pooled connection never carries one caller's
 * tenant into another's transaction.
 *
 * <p>Row-level-security policies read {@value #TENANT_SETTING} (the tenant's UUID, or
 * empty at platform scope) and {@value #PLATFORM_SETTING} ({@code on} at platform
 * scope, else {@code off}):
 * <pre>
 * USING (current_setting('aicunet.platform', true) = 'on'
 *        OR tenant_id = nullif(current_setting('aicunet.tenant_id', true), '')::uuid)
 * </pre>
 */
public final class TenantTransactions {

    public static final String TENANT_SETTING = "aicunet.tenant_id";
    public static final String PLATFORM_SETTING = "aicunet.platform";

    /** The savepoint of each call in a group ({@link #eachInSavepoint}). */
    private static final String SAVEPOINT_NAME = "group_member";
    private static final String SAVEPOINT = "SAVEPOINT " + SAVEPOINT_NAME;
    private static final String RELEASE = "RELEASE SAVEPOINT " + SAVEPOINT_NAME;

    private TenantTransactions() {
    }

    /**
     * Commits when the work returns an ok result; rolls back when it returns a failed
     * result or fails, so a refused request changes nothing. Within a served request the
     * answer is rendered from the ok value before the commit ({@link AnswerBeforeCommit}):
     * an answer the wire format cannot carry rolls the work back.
     */
    public static <T> Uni<Result<T>> inTenant(
            Pool pool, TenantScope scope, Function<SqlConnection, Uni<Result<T>>> work) {
        return Uni.createFrom().context(context -> transaction(pool, scope, work, false,
                value -> AnswerBeforeCommit.beforeCommit(context, value)));
    }

    /**
     * One transaction for a group of calls ({@link GroupCommit}): {@code work} answers one
     * result per call, in the order of {@code members}, and commits when its outer result is
     * ok. Each call's ok value is rendered as that call's answer (in its own subscription's
     * context) before the commit, as {@link #inTenant} does for one call; an answer that
     * cannot be encoded rolls the whole group back, and the group then runs its calls alone.
     * A failed {@code COMMIT} fails as {@link GroupCommit.CommitOutcomeUnknown}: whether the
     * group committed is unknown, and its calls are not run again.
     */
    public static <T> Uni<Result<List<Result<T>>>> inTenantGroup(
            Pool pool, TenantScope scope, List<? extends GroupCommit.Member<?>> members,
            Function<SqlConnection, Uni<Result<List<Result<T>>>>> work) {
        return transaction(pool, scope, work, true, results -> {
            for (int index = 0; index < results.size() && index < members.size(); index++) {
                if (results.get(index).isOk()) {
                    AnswerBeforeCommit.beforeCommit(members.get(index).context(), results.get(index).value());
                }
            }
        });
    }

    /**
     * Runs the work of a group's calls one after another on the group's connection
     * ({@link #inTenantGroup}), each in its own savepoint: a call whose work answers a
     * failed result is rolled back to its savepoint, so it wrote nothing, and the calls
     * after it go on. The outer result is ok when the group may commit. A group of one
     * takes no savepoint: its failed result is the outer one, so the whole transaction
     * rolls back, exactly as a call alone did. A failure (a statement error) fails the
     * group, which then runs each call alone ({@link GroupCommit}).
     */
    public static <I, O> Uni<Result<List<Result<O>>>> eachInSavepoint(
            SqlConnection connection, List<GroupCommit.Member<I>> members,
            BiFunction<SqlConnection, I, Uni<Result<O>>> work) {
        if (members.size() == 1) {
            return work.apply(connection, members.get(0).input()).map(result -> result.isOk()
                    ? Result.ok(List.of(result))
                    : Result.failed(result.problem()));
        }
        List<Result<O>> results = new ArrayList<>(members.size());
        Uni<Void> done = Uni.createFrom().voidItem();
        for (GroupCommit.Member<I> member : members) {
            // A call's savepoint goes out with its first statement, and with the previous
            // call's release (one round trip where there were three); PostgreSQL runs them in
            // order, and a savepoint that failed leaves the transaction aborted, so the
            // call's statements fail too and the group runs its calls alone.
            done = done.chain(() -> Uni.combine().all()
                    .unis(connection.query(results.isEmpty() ? SAVEPOINT
                                    : ending(results.get(results.size() - 1)) + "; " + SAVEPOINT).execute(),
                            Uni.createFrom().deferred(() -> work.apply(connection, member.input())))
                    .with((opened, result) -> result)
                    .invoke(results::add)
                    .replaceWithVoid());
        }
        return done.chain(() -> connection.query(ending(results.get(results.size() - 1))).execute())
                .map(ignored -> Result.ok(results));
    }

    /** What ends a call's savepoint: its release, after a rollback to it when the call was refused. */
    private static String ending(Result<?> result) {
        return result.isOk() ? RELEASE : "ROLLBACK TO " + SAVEPOINT + "; " + RELEASE;
    }

    /**
     * BEGIN, the scope and the work's first statements go out together: the connection
     * pipelines them (one round trip where there were three) and PostgreSQL runs them in
     * order, so the work's statements run inside the transaction and under the scope. Should
     * BEGIN or the scope fail, the work fails with them (its statements meet an aborted
     * transaction or a lost connection) and nothing commits: the transaction rolls back, and
     * a connection given back to the pool with a transaction still open (a cancelled call)
     * is rolled back by the client before anyone else gets it.
     */
    private static <T> Uni<Result<T>> transaction(Pool pool, TenantScope scope,
                                                  Function<SqlConnection, Uni<Result<T>>> work,
                                                  boolean commitOutcomeMarked, Consumer<T> beforeCommit) {
        return pool.withConnection(connection -> Uni.combine().all()
                .unis(connection.begin(), setScope(connection, scope),
                        Uni.createFrom().deferred(() -> work.apply(connection)))
                .with((transaction, scoped, result) -> result)
                .invoke(result -> {
                    if (result.isOk()) {
                        beforeCommit.accept(result.value());
                    }
                })
                .call(result -> !result.isOk() ? connection.transaction().rollback()
                        : commitOutcomeMarked ? connection.transaction().commit().onFailure()
                                .transform(GroupCommit.CommitOutcomeUnknown::new)
                        : connection.transaction().commit())
                .onFailure().call(failure -> rollbackIfOpen(connection)));
    }

    /** Rolls back the connection's transaction if one is still open; never fails. */
    private static Uni<Void> rollbackIfOpen(SqlConnection connection) {
        Transaction transaction = connection.transaction();
        return transaction == null
                ? Uni.createFrom().voidItem()
                : transaction.rollback().onFailure().recoverWithNull();
    }

    /** Sets the tenant scope on a connection that is already in a transaction. */
    public static Uni<Void> setScope(SqlConnection connection, TenantScope scope) {
        String tenant = scope instanceof TenantScope.SingleTenant single ? single.tenant().toString() : "";
        String platform = scope instanceof TenantScope.Platform ? "on" : "off";
        return connection.preparedQuery("SELECT set_config('" + TENANT_SETTING + "', $1, true),"
                        + " set_config('" + PLATFORM_SETTING + "', $2, true)")
                .execute(Tuple.of(tenant, platform))
                .replaceWithVoid();
    }
}
