package io.aicunet.audit.adapter.scheduling;

import io.aicunet.audit.application.checkpoints.SignCheckpoints;
import io.aicunet.audit.application.retention.EnforceRetention;
import io.aicunet.audit.application.verification.VerifyTenantLogs;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.platform.limits.StorageMeters;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The audit service's scheduled work, run by every replica (each pass is replica-safe,
 * see the job's class): signing checkpoints of grown logs, verifying stored logs and
 * removing expired segments. Each runs only when enabled; a failed pass is logged and
 * tried again at the next tick.
 */
@ApplicationScoped
public class AuditJobs {

    private static final Logger LOG = Logger.getLogger(AuditJobs.class);

    private final SignCheckpoints signCheckpoints;
    private final VerifyTenantLogs verifyTenantLogs;
    private final EnforceRetention enforceRetention;
    private final AuditServiceConfig config;
    private final StorageMeters storageMeters;

    public AuditJobs(SignCheckpoints signCheckpoints, VerifyTenantLogs verifyTenantLogs,
                     EnforceRetention enforceRetention, AuditServiceConfig config, StorageMeters storageMeters) {
        this.storageMeters = storageMeters;
        this.signCheckpoints = signCheckpoints;
        this.verifyTenantLogs = verifyTenantLogs;
        this.enforceRetention = enforceRetention;
        this.config = config;
    }

    @Scheduled(every = "${audit.checkpoints.interval:60s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> signCheckpoints() {
        if (!config.checkpoints().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return signCheckpoints.runOnce()
                .onFailure().invoke(failure -> LOG.warnf("checkpoint pass failed, will retry: %s", failure))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    @Scheduled(every = "${audit.verification.interval:10m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> verifyTenantLogs() {
        if (!config.verification().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return verifyTenantLogs.runOnce()
                .onFailure().invoke(failure -> LOG.warnf("verification pass failed, will retry: %s", failure))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    @Scheduled(every = "${audit.retention.interval:1h}", delayed = "60s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> enforceRetention() {
        if (!config.retention().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return enforceRetention.runOnce()
                .onFailure().invoke(failure -> LOG.warnf("retention pass failed, will retry: %s", failure))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Refreshes the storage metrics: the top tenants by detail bytes logged here, and the totals. */
    @Scheduled(every = "${aicunet.limits.storage.metrics-every:30s}", delayed = "15s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshStorageMetrics() {
        return storageMeters.refresh().replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("storage metrics refresh failed, will retry: %s", failure))
                .onFailure().recoverWithNull();
    }
}
