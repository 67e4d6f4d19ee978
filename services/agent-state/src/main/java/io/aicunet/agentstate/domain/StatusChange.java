package io.aicunet.agentstate.domain;

import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent's move to {@code status} at {@code version}; what watchers receive. The
 * previous status is empty for the first message of a watch (the status at subscription).
 */
public record StatusChange(
        TenantId tenant, AgentId agentId, Optional<AgentStatus> previousStatus, AgentStatus status, long version,
        Instant changedAt) {

    public StatusChange {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(previousStatus, "previousStatus");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(changedAt, "changedAt");
    }

    /** The agent's current status, as the first message of a watch. */
    public static StatusChange current(Agent agent) {
        return new StatusChange(agent.tenant(), agent.id(), Optional.empty(), agent.status(), agent.version(),
                agent.statusChangedAt());
    }
}
