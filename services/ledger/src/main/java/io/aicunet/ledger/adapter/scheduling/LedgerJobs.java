package io.aicunet.ledger.adapter.scheduling;

import io.aicunet.ledger.application.reports.VerifyInvariant;
import io.aicunet.ledger.application.retention.EnforceRetention;
import io.aicunet.ledger.application.transfers.ExpirePendingTransfers;
import io.aicunet.platform.limits.StorageMeters;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The ledger's scheduled work, run by every replica: expiring pending transfers
 * (safe with many replicas, see {@link ExpirePendingTransfers}), verifying the
 * debits-equal-credits invariant (read-only) and removing personal data past the
 * tenants' retention periods (safe with many replicas, see {@link EnforceRetention}) and
 * refreshing the storage quota's metrics (read-only). A failed pass is logged and tried again
 * at the next tick.
 */
@ApplicationScoped
public class LedgerJobs {

    private static final Logger LOG = Logger.getLogger(LedgerJobs.class);

    private final ExpirePendingTransfers expirePendingTransfers;
    private final VerifyInvariant verifyInvariant;
    private final EnforceRetention enforceRetention;
    private final StorageMeters storageMeters;

    public LedgerJobs(ExpirePendingTransfers expirePendingTransfers, VerifyInvariant verifyInvariant,
                      EnforceRetention enforceRetention, StorageMeters storageMeters) {
        this.expirePendingTransfers = expirePendingTransfers;
        this.verifyInvariant = verifyInvariant;
        this.enforceRetention = enforceRetention;
        this.storageMeters = storageMeters;
    }

    /** Refreshes the storage metrics: the top tenants by transfer metadata bytes stored here, and the totals. */
    @Scheduled(every = "${aicunet.limits.storage.metrics-every:30s}", delayed = "15s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshStorageMetrics() {
        return storageMeters.refresh().replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("storage metrics refresh failed, will retry: %s", failure))
                .onFailure().recoverWithNull();
    }

    @Scheduled(every = "${ledger.retention.interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> enforceRetention() {
        return enforceRetention.enforce(Instant.now())
                .invoke(removed -> {
                    if (removed > 0) {
                        LOG.infof("retention removed the personal data of %d rows", removed);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf(failure, "retention pass failed, will retry"))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    @Scheduled(every = "${ledger.expiry.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expirePendingTransfers() {
        return expirePendingTransfers.expireDue()
                .invoke(expired -> {
                    if (expired > 0) {
                        LOG.debugf("expired %d pending transfers", expired);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf(failure, "pending transfer expiry failed, will retry"))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    @Scheduled(every = "${ledger.invariant.interval:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> verifyInvariant() {
        return verifyInvariant.checkEveryTenant()
                .onFailure().invoke(failure -> LOG.warnf(failure, "ledger invariant check failed, will retry"))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
