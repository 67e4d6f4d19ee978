package io.aicunet.tenant.adapter.scheduling;

import io.aicunet.tenant.application.privacy.ExpireExportBundles;
import io.aicunet.tenant.application.privacy.FinishPrivacyRequests;
import io.aicunet.tenant.application.tenants.ExpireIdempotencyKeys;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Every scheduled job of the tenant service, as thin triggers: each calls its job logic in
 * application, logs a failure and lets the next run try again. Runs never overlap on one
 * replica; the job logic is safe with several replicas.
 */
@ApplicationScoped
public class TenantJobs {

    private static final Logger LOG = Logger.getLogger(TenantJobs.class);

    private final ExpireIdempotencyKeys expireIdempotencyKeys;
    private final FinishPrivacyRequests finishPrivacyRequests;
    private final ExpireExportBundles expireExportBundles;

    public TenantJobs(ExpireIdempotencyKeys expireIdempotencyKeys, FinishPrivacyRequests finishPrivacyRequests,
                      ExpireExportBundles expireExportBundles) {
        this.expireIdempotencyKeys = expireIdempotencyKeys;
        this.finishPrivacyRequests = finishPrivacyRequests;
        this.expireExportBundles = expireExportBundles;
    }

    @Scheduled(every = "${aicunet.privacy.exports.sweep-every}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expireExportBundles() {
        return expireExportBundles.execute(Instant.now())
                .invoke(deleted -> LOG.debugf("deleted %d objects of expired export bundles", deleted))
                .onFailure().invoke(failure -> LOG.warnf("expiring export bundles failed: %s", failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expireIdempotencyKeys() {
        return expireIdempotencyKeys.execute()
                .invoke(removed -> LOG.debugf("forgot %d expired idempotency keys", removed))
                .onFailure().invoke(failure -> LOG.warnf("expiring idempotency keys failed: %s", failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    @Scheduled(every = "${tenant.privacy-deadline-check:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> failOverduePrivacyRequests() {
        return finishPrivacyRequests.failOverdue(Instant.now())
                .onFailure().invoke(failure -> LOG.warnf("failing overdue privacy requests failed: %s", failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
