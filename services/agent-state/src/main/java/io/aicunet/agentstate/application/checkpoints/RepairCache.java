package io.aicunet.agentstate.application.checkpoints;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.port.CacheRepairs;
import io.aicunet.agentstate.application.port.CheckpointCache;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deletes cache entries that may be stale (recorded in cache_repairs), and decides
 * whether this replica may trust the cache: only when Redis answers and no repair
 * waits. Safe with any number of replicas: each locks the repairs it handles with
 * SKIP LOCKED.
 */
@ApplicationScoped
public class RepairCache {

    private final CheckpointCache cache;
    private final CacheRepairs repairs;
    private final CheckpointCaching caching;
    private final AgentStateAccess access;
    private final int batchMax;

    public RepairCache(CheckpointCache cache, CacheRepairs repairs, CheckpointCaching caching,
                       AgentStateAccess access, AgentStateServiceConfig config) {
        this.cache = cache;
        this.repairs = repairs;
        this.caching = caching;
        this.access = access;
        this.batchMax = config.cache().repairBatchMax();
    }

    /** One pass; the number of entries repaired. */
    public Uni<Integer> runOnce() {
        long mark = caching.distrustMark();
        return cache.ping().onFailure().recoverWithItem(false).flatMap(answers -> {
            if (!answers) {
                caching.distrust(null);
                return Uni.createFrom().item(0);
            }
            return access.transaction(TenantScope.platform(), connection -> repairs.lock(connection, batchMax)
                            .flatMap(locked -> Multi.createFrom().iterable(locked)
                                    .onItem().transformToUniAndConcatenate(repair ->
                                            cache.evict(repair.tenant(), repair.threadId()))
                                    .collect().last()
                                    .flatMap(ignored -> repairs.remove(connection, locked))
                                    .flatMap(ignored -> repairs.anyWaiting(connection))
                                    .map(waiting -> Result.ok(new Pass(locked.size(), waiting)))))
                    .map(result -> {
                        Pass pass = result.value();
                        if (pass.waiting()) {
                            caching.distrust(null);
                        } else {
                            caching.trustIfUnchanged(mark);
                        }
                        return pass.repaired();
                    })
                    .onFailure().invoke(failure -> caching.distrust(failure));
        });
    }

    private record Pass(int repaired, boolean waiting) {
    }
}
