package io.aicunet.config.adapter.scheduling;

import io.aicunet.config.application.retention.RevisionRetention;
import io.aicunet.config.application.retention.TenantHistoryRetention;
import io.aicunet.config.application.watch.ChangeFeeds;
import io.aicunet.config.application.watch.WatchStreamBound;
import io.aicunet.platform.limits.StorageMeters;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Every scheduled job of the config service, in one place: thin triggers of the job
 * logic in the application. Each is safe on every replica at once and skips a run while
 * the previous one is still going.
 */
@ApplicationScoped
public class ConfigJobs {

    private static final Logger LOG = Logger.getLogger(ConfigJobs.class);

    private final ChangeFeeds feeds;
    private final RevisionRetention revisionRetention;
    private final TenantHistoryRetention tenantHistoryRetention;
    private final WatchStreamBound watchStreams;
    private final StorageMeters storageMeters;

    public ConfigJobs(ChangeFeeds feeds, RevisionRetention revisionRetention,
                      TenantHistoryRetention tenantHistoryRetention, WatchStreamBound watchStreams,
                      StorageMeters storageMeters) {
        this.storageMeters = storageMeters;
        this.feeds = feeds;
        this.revisionRetention = revisionRetention;
        this.tenantHistoryRetention = tenantHistoryRetention;
        this.watchStreams = watchStreams;
    }

    /** Keeps the leases of this replica's open watch streams from running out (they count against their tenants). */
    @Scheduled(every = "${config.watch.stream-lease-renew-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> renewWatchStreamLeases() {
        return watchStreams.renew();
    }

    /** The watch's safety net: this replica's feed looks for revisions nobody announced. */
    @Scheduled(every = "${config.watch.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pollChangeFeed() {
        feeds.poll();
    }

    /** Compacts revisions older than {@code config.revisions.retention}. */
    @Scheduled(every = "${config.revisions.compaction-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> compactRevisions() {
        return revisionRetention.run();
    }

    /** Removes tenants' superseded revisions older than their retention periods. */
    @Scheduled(every = "${config.privacy.retention-interval:1h}", delayed = "2m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> retainTenantHistory() {
        return tenantHistoryRetention.run();
    }

    /** Refreshes the storage metrics: the top tenants by bytes stored here, and the totals. */
    @Scheduled(every = "${aicunet.limits.storage.metrics-every:30s}", delayed = "15s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshStorageMetrics() {
        return storageMeters.refresh().replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("storage metrics refresh failed, will retry: %s", failure))
                .onFailure().recoverWithNull();
    }
}
