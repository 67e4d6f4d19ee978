package io.aicunet.agentstate.domain;

import java.time.Instant;
import java.util.Objects;

/** A worker's claim on an agent until {@code expiresAt}, and the fencing token that goes with it. */
public record Lease(AgentId agentId, String workerId, long fencingToken, Instant expiresAt) {

    public Lease {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (fencingToken < 1) {
            throw new IllegalArgumentException("fencing tokens start at 1, was " + fencingToken);
        }
    }
}
