package io.aicunet.config.application;

import io.aicunet.config.settings.ConfigServiceSettings;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Compacts revisions older than the retention on a schedule. Safe on every replica at
 * once: the mark only moves forward and deleting a deleted row deletes nothing.
 */
@ApplicationScoped
public class RevisionRetention {

    private static final Logger LOG = Logger.getLogger(RevisionRetention.class);

    private final CompactRevisions compactRevisions;
    private final Entries entries;
    private final Pool pool;
    private final ConfigServiceSettings settings;

    public RevisionRetention(CompactRevisions compactRevisions, Entries entries, Pool pool,
                             ConfigServiceSettings settings) {
        this.compactRevisions = compactRevisions;
        this.entries = entries;
        this.pool = pool;
        this.settings = settings;
    }

    @Scheduled(every = "${config.revisions.compaction-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        if (!settings.revisions().compactionEnabled()) {
            return Uni.createFrom().voidItem();
        }
        Instant cutoff = Instant.now().minus(settings.revisions().retention());
        return TenantTransactions.inTenant(pool, TenantScope.platform(),
                        connection -> entries.lastRevisionBefore(connection, cutoff).map(Result::ok))
                .flatMap(last -> last.value() == 0
                        ? Uni.createFrom().voidItem()
                        : compactRevisions.compact(last.value(), "config-service/retention")
                                .invoke(done -> LOG.infof("retention compacted revisions up to %d (%d deleted)",
                                        done.value().compactedRevision(), done.value().revisionsDeleted()))
                                .replaceWithVoid())
                .onFailure().invoke(failure -> LOG.warnf("revision retention failed, retried next run: %s", failure))
                .onFailure().recoverWithNull();
    }
}
