package io.aicunet.audit.application;

import io.aicunet.audit.config.AuditServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Periodically removes expired segments of every tenant, each under an advisory lock (replica-safe). */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final AuditAccess access;
    private final Retention retention;
    private final AuditServiceConfig config;
    private final MeterRegistry meters;
    private volatile Optional<java.util.UUID> cursor = Optional.empty();

    public RetentionJob(AuditAccess access, Retention retention, AuditServiceConfig config, MeterRegistry meters) {
        this.access = access;
        this.retention = retention;
        this.config = config;
        this.meters = meters;
    }

    @Scheduled(every = "${audit.retention.interval:1h}", delayed = "60s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!config.retention().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return access.asPlatform(connection -> access.log().tenants(connection, cursor,
                        config.retention().tenantsPerPassMax()))
                .flatMap(tenants -> {
                    cursor = tenants.size() < config.retention().tenantsPerPassMax()
                            ? Optional.empty() : Optional.of(tenants.get(tenants.size() - 1));
                    return Multi.createFrom().iterable(tenants)
                            .onItem().transformToUniAndConcatenate(tenant -> access.asPlatform(connection -> access.log()
                                    .tryLock(connection, "retention", tenant)
                                    .flatMap(locked -> locked
                                            ? retention.apply(connection, tenant)
                                            : Uni.createFrom().item(new Retention.Outcome(0, 0, "locked"))))
                                    .invoke(outcome -> meters.counter("aicunet.audit.retention.records.removed")
                                            .increment(outcome.recordsRemoved()))
                                    // One tenant's failure must not stop the others.
                                    .onFailure().invoke(failure -> LOG.warnf("retention of %s failed: %s", tenant, failure))
                                    .onFailure().recoverWithNull())
                            .collect().asList();
                })
                .onFailure().invoke(failure -> LOG.warnf("retention pass failed, will retry: %s", failure))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
