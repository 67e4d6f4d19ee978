package io.aicunet.audit.application.checkpoints;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.platform.outbox.TenantSweep;
import io.aicunet.platform.tenancy.TenantId;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One pass of the checkpoint job (triggered by AuditJobs): signs a checkpoint for every
 * tenant whose log grew since its newest one, a bounded number per pass. Safe on any
 * number of replicas: the pass is a TenantSweep (one replica at a time), each tenant is
 * checkpointed under a transaction-scoped advisory lock taken without waiting, and a
 * checkpoint per size exists once. A tenant whose checkpoint fails is logged and passed over.
 */
@ApplicationScoped
public class SignCheckpoints {

    private final AuditAccess access;
    private final Checkpointer checkpointer;
    private final MeterRegistry meters;
    private final TenantSweep sweep;

    public SignCheckpoints(AuditAccess access, Checkpointer checkpointer, AuditServiceConfig config, MeterRegistry meters) {
        this.access = access;
        this.checkpointer = checkpointer;
        this.meters = meters;
        this.sweep = new TenantSweep("audit.checkpoints", access.pool(), config.checkpoints()::tenantsPerPassMax);
    }

    /** One pass; the number of checkpoints signed. */
    public Uni<Integer> runOnce() {
        // The tenants ahead of their checkpoint, whatever the cursor: the sweep bounds the pass and runs it on one replica.
        return sweep.runOnce((cursor, limit) -> access.asPlatform(connection -> access.log()
                                .tenantsAheadOfCheckpoint(connection, limit))
                        .map(tenants -> tenants.stream().map(TenantId::new).toList()),
                        tenant -> access.asPlatform(connection -> access.log()
                                .tryLock(connection, "checkpoint", tenant.value())
                                .flatMap(locked -> locked
                                        ? checkpointer.checkpoint(connection, tenant.value()).map(c -> c.isPresent() ? 1L : 0L)
                                        : Uni.createFrom().item(0L))))
                .map(pass -> (int) pass.done())
                .invoke(signed -> meters.counter("aicunet.audit.checkpoints.signed").increment(signed));
    }
}
