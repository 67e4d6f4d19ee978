package io.aicunet.agentstate.adapter.scheduling;

import io.aicunet.agentstate.application.agents.DetectLostAgents;
import io.aicunet.agentstate.application.checkpoints.RepairCache;
import io.aicunet.agentstate.application.retention.ApplyDataClassRetention;
import io.aicunet.agentstate.application.retention.ApplyRetention;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.limits.StorageMeters;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Runs the service's jobs on every replica; each is safe with many replicas (see the
 * job classes). A failed pass is logged and tried again on the next tick.
 */
@ApplicationScoped
public class AgentStateJobs {

    private static final Logger LOG = Logger.getLogger(AgentStateJobs.class);

    private final DetectLostAgents detectLostAgents;
    private final RepairCache repairCache;
    private final ApplyRetention applyRetention;
    private final ApplyDataClassRetention applyDataClassRetention;
    private final StorageMeters storageMeters;

    public AgentStateJobs(DetectLostAgents detectLostAgents, RepairCache repairCache, ApplyRetention applyRetention,
                          ApplyDataClassRetention applyDataClassRetention, StorageMeters storageMeters) {
        this.storageMeters = storageMeters;
        this.detectLostAgents = detectLostAgents;
        this.repairCache = repairCache;
        this.applyRetention = applyRetention;
        this.applyDataClassRetention = applyDataClassRetention;
    }

    @Scheduled(every = "${agent-state.heartbeat.detector-every:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> detectLostAgents() {
        return logged("lost-agent detection", detectLostAgents.runOnce().replaceWithVoid());
    }

    @Scheduled(every = "${agent-state.cache.repair-every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> repairCache() {
        return logged("cache repair", repairCache.runOnce().replaceWithVoid());
    }

    @Scheduled(every = "${agent-state.retention.job-every:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = RetentionDisabled.class)
    Uni<Void> applyRetention() {
        return logged("retention", applyRetention.runOnce().replaceWithVoid());
    }

    @Scheduled(every = "${agent-state.retention.job-every:60s}", delayed = "20s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = RetentionDisabled.class)
    Uni<Void> applyDataClassRetention() {
        return logged("data-class retention", applyDataClassRetention.runOnce().replaceWithVoid());
    }

    /** Refreshes the storage metrics: the top tenants by checkpoint bytes, and the totals. */
    @Scheduled(every = "${aicunet.limits.storage.metrics-every:30s}", delayed = "15s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshStorageMetrics() {
        return logged("storage metrics refresh", storageMeters.refresh().replaceWithVoid());
    }

    private static Uni<Void> logged(String job, Uni<Void> pass) {
        return pass.onFailure().invoke(failure -> LOG.warnf("%s pass failed, will retry: %s", job, failure.toString()))
                .onFailure().recoverWithNull();
    }

    /** Skips the retention tick when this replica's retention job is switched off. */
    @ApplicationScoped
    public static class RetentionDisabled implements Scheduled.SkipPredicate {

        private final AgentStateServiceConfig config;

        public RetentionDisabled(AgentStateServiceConfig config) {
            this.config = config;
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !config.retention().jobEnabled();
        }
    }
}
