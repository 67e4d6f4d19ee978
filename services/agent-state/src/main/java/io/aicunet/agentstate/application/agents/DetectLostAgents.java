package io.aicunet.agentstate.application.agents;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.contract.AgentStateEvents;
import io.aicunet.agentstate.application.port.Heartbeats;
import io.aicunet.agentstate.application.port.StatusChanges;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.StatusChange;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Marks lost the live agents whose heartbeats stopped, and announces AgentLost exactly
 * once per loss, whatever the number of replicas running this.
 *
 * <p>One pass locks a bounded batch of candidate agents (live, heartbeating, in their
 * status for longer than the lost-after interval, not found alive lately) with FOR
 * UPDATE SKIP LOCKED, so no two replicas examine the same agent at once; asks Redis
 * which still have a heartbeat; and in the same transaction moves the silent ones to
 * LOST with their event. A lost agent is no candidate any more, so no later pass can
 * announce the same loss again. An absent heartbeat key is evidence of silence only if
 * Redis has been up for the whole interval: after a Redis restart, or while Redis does
 * not answer, nobody is marked lost.
 */
@ApplicationScoped
public class DetectLostAgents {

    private static final Logger LOG = Logger.getLogger(DetectLostAgents.class);

    private final AgentStateAccess access;
    private final Heartbeats heartbeats;
    private final StatusChanges statusChanges;
    private final Duration lostAfter;
    private final Duration checkInterval;
    private final int batchMax;

    public DetectLostAgents(AgentStateAccess access, Heartbeats heartbeats, StatusChanges statusChanges,
                            AgentStateServiceConfig config) {
        this.access = access;
        this.heartbeats = heartbeats;
        this.statusChanges = statusChanges;
        this.lostAfter = Duration.ofMillis(config.heartbeat().lostAfterMillis());
        this.checkInterval = Duration.ofMillis(config.heartbeat().checkIntervalMillis());
        this.batchMax = config.heartbeat().detectorBatchMax();
    }

    /** One pass; the number of agents marked lost. */
    public Uni<Integer> runOnce() {
        return heartbeats.uptime().flatMap(uptime -> {
            if (uptime.compareTo(lostAfter) < 0) {
                LOG.debugf("Redis is up for %s only, less than the lost-after interval: nobody is marked lost yet",
                        uptime);
                return Uni.createFrom().item(0);
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return access.transaction(TenantScope.platform(), connection -> access.agents()
                            .lockSilenceCandidates(connection, now, lostAfter, checkInterval, batchMax)
                            .flatMap(candidates -> candidates.isEmpty()
                                    ? Uni.createFrom().item(0)
                                    : heartbeats.alive(candidates.stream()
                                                    .map(a -> new Heartbeats.Beat(a.tenant(), a.id())).toList())
                                            .flatMap(alive -> settle(connection, candidates, alive, now)))
                            .map(Result::ok))
                    .map(Result::value);
        });
    }

    private Uni<Integer> settle(SqlConnection connection, List<Agent> candidates, Set<AgentId> alive, Instant now) {
        List<AgentId> found = candidates.stream().map(Agent::id).filter(alive::contains).toList();
        List<Agent> silent = candidates.stream().filter(a -> !alive.contains(a.id())).toList();
        return access.agents().markChecked(connection, found, now)
                .flatMap(ignored -> Multi.createFrom().iterable(silent)
                        .onItem().transformToUniAndConcatenate(agent -> markLost(connection, agent, now))
                        .collect().asList())
                .map(List::size);
    }

    private Uni<Agent> markLost(SqlConnection connection, Agent agent, Instant now) {
        Agent lost = agent.markLost(now);
        LOG.infof("agent %s of tenant %s is lost: no heartbeat for %s", agent.id(), agent.tenant(), lostAfter);
        return access.agents().updateStatus(connection, lost)
                .flatMap(ignored -> access.announce(connection, lost.tenant(), lost.id(),
                        AgentStateEvents.lost(agent, lost, lostAfter, now)))
                .flatMap(ignored -> statusChanges.publish(connection, new StatusChange(lost.tenant(), lost.id(),
                        Optional.of(agent.status()), lost.status(), lost.version(), now)))
                .replaceWith(lost);
    }
}
