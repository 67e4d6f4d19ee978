package io.aicunet.config.application.retention;

import io.aicunet.config.application.port.Entries;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Compacts revisions older than the retention, each time the service's jobs trigger it
 * (every {@code config.revisions.compaction-interval}). Safe on every replica at once: the mark only moves forward and deleting a deleted row deletes nothing.
 */
@ApplicationScoped
public class RevisionRetention {

    private static final Logger LOG = Logger.getLogger(RevisionRetention.class);

    private final CompactRevisions compactRevisions;
    private final Entries entries;
    private final Pool pool;
    private final ConfigServiceConfig settings;

    public RevisionRetention(CompactRevisions compactRevisions, Entries entries, Pool pool,
                             ConfigServiceConfig settings) {
        this.compactRevisions = compactRevisions;
        this.entries = entries;
        this.pool = pool;
        this.settings = settings;
    }

    /** One run: never fails (a failure is logged and retried next run). */
    public Uni<Void> run() {
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
