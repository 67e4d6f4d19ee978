package io.aicunet.agentstate.application.retention;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.checkpoints.CheckpointCaching;
import io.aicunet.agentstate.application.port.CheckpointCache;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.application.port.IdempotencyKeys;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies every tenant's retention: prunes each thread to its newest keep-last
 * checkpoints, deletes threads idle longer than the tenant's TTL, and forgets old
 * idempotency keys.
 *
 * <p>Safe with any number of replicas: each transaction locks the threads it works on
 * with FOR UPDATE SKIP LOCKED, so two replicas never work on one thread, and a save to
 * a thread waits for (or is skipped by) the pruning of it. Pruning deletes only
 * versions at or below {@code latest - keepLast} of a locked thread, and keep-last is
 * at least 1; besides, a trigger refuses to delete a thread's latest checkpoint
 * unless the thread itself goes. Every transaction is a bounded batch.
 */
@ApplicationScoped
public class ApplyRetention {

    /** What one pass deleted. */
    public record Pass(int checkpointsPruned, int threadsExpired, int idempotencyKeysForgotten) {

        public boolean deletedAnything() {
            return checkpointsPruned + threadsExpired + idempotencyKeysForgotten > 0;
        }
    }

    private final AgentStateAccess access;
    private final Checkpoints checkpoints;
    private final IdempotencyKeys keys;
    private final CheckpointCaching caching;
    private final AgentStateServiceConfig.Retention config;

    public ApplyRetention(AgentStateAccess access, Checkpoints checkpoints, IdempotencyKeys keys,
                          CheckpointCaching caching, AgentStateServiceConfig config) {
        this.access = access;
        this.checkpoints = checkpoints;
        this.keys = keys;
        this.caching = caching;
        this.config = config.retention();
    }

    /** Runs batches until nothing is left to delete or the pass's batch budget is spent. */
    public Uni<Pass> runOnce() {
        return run(0, new Pass(0, 0, 0));
    }

    private Uni<Pass> run(int batches, Pass total) {
        if (batches >= config.passBatchesMax()) {
            return Uni.createFrom().item(total);
        }
        return batch().flatMap(pass -> pass.deletedAnything()
                ? run(batches + 1, new Pass(total.checkpointsPruned() + pass.checkpointsPruned(),
                        total.threadsExpired() + pass.threadsExpired(),
                        total.idempotencyKeysForgotten() + pass.idempotencyKeysForgotten()))
                : Uni.createFrom().item(total));
    }

    private Uni<Pass> batch() {
        return prune().flatMap(pruned -> expire().flatMap(expired -> forgetKeys()
                .map(forgotten -> new Pass(pruned, expired, forgotten))));
    }

    private Uni<Integer> prune() {
        return inPlatform(connection -> checkpoints
                .lockPruneTargets(connection, config.keepLastDefault(), config.threadsBatchMax())
                .flatMap(targets -> Multi.createFrom().iterable(targets)
                        .onItem().transformToUniAndConcatenate(target -> checkpoints.prune(connection,
                                target.threadId(), target.pruneThroughVersion(), config.checkpointsBatchMax()))
                        .collect().with(Collectors.summingInt(Integer::intValue))));
    }

    private Uni<Integer> expire() {
        return inPlatform(connection -> checkpoints
                .lockExpiredThreads(connection, Instant.now(), config.idleThreadTtlSecondsDefault(),
                        config.threadsBatchMax())
                .flatMap(expired -> Multi.createFrom().iterable(expired)
                        // A deleted thread's cache entry is fenced off for good, so no reader puts it back.
                        .onItem().transformToUniAndConcatenate(thread -> caching.fence(connection, thread.tenant(),
                                thread.threadId(), CheckpointCache.TOMBSTONE_VERSION))
                        .collect().last()
                        .flatMap(ignored -> checkpoints.deleteThreads(connection,
                                expired.stream().map(Checkpoints.ExpiredThread::threadId).toList()))));
    }

    private Uni<Integer> forgetKeys() {
        return inPlatform(connection -> keys.deleteOlderThan(connection,
                Instant.now().minusSeconds(config.idempotencyKeyTtlSeconds()), config.checkpointsBatchMax()));
    }

    private Uni<Integer> inPlatform(Function<SqlConnection, Uni<Integer>> work) {
        return access.transaction(TenantScope.platform(), connection -> work.apply(connection).map(Result::ok))
                .map(Result::value);
    }
}
