package io.aicunet.audit.application;

import io.aicunet.audit.config.AuditServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Periodically signs a checkpoint for every tenant whose log grew since its newest
 * one. Safe on any number of replicas: each tenant is checkpointed under a
 * transaction-scoped advisory lock taken without waiting, and a checkpoint per size
 * exists once.
 */
@ApplicationScoped
public class CheckpointJob {

    private static final Logger LOG = Logger.getLogger(CheckpointJob.class);

    private final AuditAccess access;
    private final Checkpointer checkpointer;
    private final AuditServiceConfig config;
    private final MeterRegistry meters;

    public CheckpointJob(AuditAccess access, Checkpointer checkpointer, AuditServiceConfig config, MeterRegistry meters) {
        this.access = access;
        this.checkpointer = checkpointer;
        this.config = config;
        this.meters = meters;
    }

    @Scheduled(every = "${audit.checkpoints.interval:60s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!config.checkpoints().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return runOnce().onFailure().invoke(failure -> LOG.warnf("checkpoint pass failed, will retry: %s", failure))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One pass; the number of checkpoints signed. */
    public Uni<Integer> runOnce() {
        return access.asPlatform(connection -> access.log()
                        .tenantsAheadOfCheckpoint(connection, config.checkpoints().tenantsPerPassMax()))
                .flatMap(tenants -> Multi.createFrom().iterable(tenants)
                        .onItem().transformToUniAndConcatenate(tenant -> access.asPlatform(connection -> access.log()
                                .tryLock(connection, "checkpoint", tenant)
                                .flatMap(locked -> locked
                                        ? checkpointer.checkpoint(connection, tenant).map(c -> c.isPresent() ? 1 : 0)
                                        : Uni.createFrom().item(0))))
                        .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue)))
                .invoke(signed -> meters.counter("aicunet.audit.checkpoints.signed").increment(signed));
    }
}
