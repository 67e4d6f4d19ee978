package io.aicunet.audit.application.checkpoints;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.config.AuditServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One pass of the checkpoint job (triggered by AuditJobs): signs a checkpoint for every
 * tenant whose log grew since its newest one. Safe on any number of replicas: each
 * tenant is checkpointed under a transaction-scoped advisory lock taken without
 * waiting, and a checkpoint per size exists once.
 */
@ApplicationScoped
public class SignCheckpoints {

    private final AuditAccess access;
    private final Checkpointer checkpointer;
    private final AuditServiceConfig config;
    private final MeterRegistry meters;

    public SignCheckpoints(AuditAccess access, Checkpointer checkpointer, AuditServiceConfig config, MeterRegistry meters) {
        this.access = access;
        this.checkpointer = checkpointer;
        this.config = config;
        this.meters = meters;
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
