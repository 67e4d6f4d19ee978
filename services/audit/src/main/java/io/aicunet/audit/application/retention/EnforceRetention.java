package io.aicunet.audit.application.retention;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.config.AuditServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One pass of the retention job (triggered by AuditJobs): removes expired segments of a
 * bounded number of tenants, round-robin by tenant id, each under an advisory lock
 * (replica-safe). One tenant's failure is logged and does not stop the others.
 */
@ApplicationScoped
public class EnforceRetention {

    private static final Logger LOG = Logger.getLogger(EnforceRetention.class);

    private final AuditAccess access;
    private final Retention retention;
    private final AuditServiceConfig config;
    private final MeterRegistry meters;
    private volatile Optional<java.util.UUID> cursor = Optional.empty();

    public EnforceRetention(AuditAccess access, Retention retention, AuditServiceConfig config, MeterRegistry meters) {
        this.access = access;
        this.retention = retention;
        this.config = config;
        this.meters = meters;
    }

    /** One pass; the outcome of every tenant it reached (none for a tenant that failed). */
    public Uni<List<Retention.Outcome>> runOnce() {
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
                });
    }
}
