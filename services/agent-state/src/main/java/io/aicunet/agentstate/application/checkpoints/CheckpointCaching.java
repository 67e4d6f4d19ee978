package io.aicunet.agentstate.application.checkpoints;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.port.CacheRepairs;
import io.aicunet.agentstate.application.port.CheckpointCache;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps the Redis cache of latest checkpoints from ever serving a version older than
 * one whose write succeeded.
 *
 * <p>A writer fences the new version in Redis inside its transaction, before commit,
 * and puts the checkpoint after commit (see {@link CheckpointCache}). When the fence
 * cannot be set (Redis does not answer), the transaction records a cache repair
 * instead, so the stale entry is deleted once Redis answers again; and this replica
 * stops trusting the cache: it reads from PostgreSQL until the repair job has found
 * no repair waiting. The repair job also withdraws trust when another replica's
 * repairs wait, so a replica that did not notice an outage does not serve from a
 * cache that others could not fence.
 */
@ApplicationScoped
public class CheckpointCaching {

    private static final Logger LOG = Logger.getLogger(CheckpointCaching.class);

    private final CheckpointCache cache;
    private final CacheRepairs repairs;
    private final AgentStateAccess access;
    private final boolean readsEnabled;

    // Changed only under this object's lock; read without it on every request.
    private volatile boolean trusted;
    private long distrustCount;

    public CheckpointCaching(CheckpointCache cache, CacheRepairs repairs, AgentStateAccess access,
                             AgentStateServiceConfig config) {
        this.cache = cache;
        this.repairs = repairs;
        this.access = access;
        this.readsEnabled = config.cache().enabled();
    }

    /** The cached latest checkpoint; empty on a miss, while the cache is not trusted, or when Redis fails. */
    public Uni<Optional<StoredCheckpoint>> read(TenantId tenant, ThreadId thread) {
        if (!readsEnabled || !trusted) {
            return Uni.createFrom().item(Optional.empty());
        }
        return cache.latest(tenant, thread).onFailure().recoverWithItem(failure -> {
            distrust(failure);
            return Optional.empty();
        });
    }

    /**
     * Inside the writing transaction, before it commits: fences {@code version}, or
     * records a repair of the thread's entry when the fence cannot be set.
     */
    public Uni<Void> fence(SqlConnection connection, TenantId tenant, ThreadId thread, long version) {
        if (!trusted) {
            distrust(null);
            return repairs.add(connection, tenant, thread);
        }
        return cache.fence(tenant, thread, version).onFailure().recoverWithUni(failure -> {
            distrust(failure);
            return repairs.add(connection, tenant, thread);
        });
    }

    /** After commit: caches the new latest checkpoint; on doubt deletes the entry, or records a repair. */
    public Uni<Void> publish(StoredCheckpoint checkpoint) {
        if (!trusted) {
            return Uni.createFrom().voidItem();
        }
        return cache.put(checkpoint).replaceWithVoid().onFailure().recoverWithUni(failure -> {
            distrust(failure);
            return cache.evict(checkpoint.summary().tenant(), checkpoint.summary().threadId())
                    .onFailure().recoverWithUni(evictFailure -> recordRepair(checkpoint.summary().tenant(),
                            checkpoint.summary().threadId()));
        });
    }

    /** After a read from PostgreSQL: caches what was read, if nothing newer is fenced or cached. */
    public Uni<Void> populate(StoredCheckpoint checkpoint) {
        if (!readsEnabled || !trusted) {
            return Uni.createFrom().voidItem();
        }
        return cache.put(checkpoint).replaceWithVoid().onFailure().recoverWithItem(failure -> {
            distrust(failure);
            return null;
        });
    }

    /** Whether reads use the cache now. */
    public boolean trusted() {
        return trusted;
    }

    /** Stops reading from the cache until a repair pass that starts after this call finds nothing waiting. */
    public void distrust(Throwable cause) {
        synchronized (this) {
            distrustCount++;
            if (trusted && cause != null) {
                LOG.warnf("checkpoint cache not trusted until repaired: %s", cause.toString());
            }
            trusted = false;
        }
    }

    /** A token a repair pass takes at its start and hands back to {@link #trustIfUnchanged}. */
    long distrustMark() {
        synchronized (this) {
            return distrustCount;
        }
    }

    /** Trusts the cache again, unless something distrusted it since {@code mark} was taken. */
    void trustIfUnchanged(long mark) {
        synchronized (this) {
            if (distrustCount == mark && !trusted) {
                LOG.info("checkpoint cache trusted again: Redis answers and no repair waits");
                trusted = true;
            }
        }
    }

    private Uni<Void> recordRepair(TenantId tenant, ThreadId thread) {
        return access.transaction(TenantScope.of(tenant), connection -> repairs.add(connection, tenant, thread)
                        .map(ignored -> Result.ok(Boolean.TRUE)))
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "could neither update, delete nor schedule the repair of the cached"
                            + " checkpoint of thread %s; this replica reads from PostgreSQL until a repair pass"
                            + " succeeds, others may serve the previous version until the cache TTL", thread);
                    return null;
                });
    }
}
