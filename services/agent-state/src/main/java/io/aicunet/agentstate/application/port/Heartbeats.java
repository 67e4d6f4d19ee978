package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Agents' heartbeats in Redis: a key per agent that lives for the lost-after interval
 * after each heartbeat. Fails with {@link HotState.UnavailableException} without Redis.
 */
public interface Heartbeats extends HotState {

    /** An agent whose heartbeat is asked about. */
    record Beat(TenantId tenant, AgentId agentId) {
    }

    /** Extends an existing heartbeat for {@code ttl}; false when the agent has none (its first, or after silence). */
    Uni<Boolean> extend(TenantId tenant, AgentId agent, Duration ttl);

    /** Starts a heartbeat that lives for {@code ttl}. */
    Uni<Void> start(TenantId tenant, AgentId agent, Duration ttl);

    /** Which of these agents have a living heartbeat. */
    Uni<Set<AgentId>> alive(List<Beat> beats);

    /** How long Redis has been running: its memory of heartbeats reaches back no further. */
    Uni<Duration> uptime();
}
