package io.aicunet.agentstate.domain;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent of a tenant: what kind it is, its labels, its status, and the worker that
 * claimed its lease last. Every status change increases the version by one.
 *
 * @param leaseToken the newest fencing token issued for this agent (0: never leased)
 */
public record Agent(
        AgentId id,
        TenantId tenant,
        String kind,
        Map<String, String> labels,
        AgentStatus status,
        Optional<String> owner,
        long leaseToken,
        long version,
        Instant createdAt,
        Instant statusChangedAt) {

    public Agent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(statusChangedAt, "statusChangedAt");
        if (version < 1) {
            throw new IllegalArgumentException("an agent's version starts at 1, was " + version);
        }
        if (leaseToken < 0) {
            throw new IllegalArgumentException("a lease token is never negative, was " + leaseToken);
        }
    }

    /** A new agent in status REGISTERED at version 1. */
    public static Agent register(AgentId id, TenantId tenant, String kind, Map<String, String> labels, Instant now) {
        return new Agent(id, tenant, kind, labels, AgentStatus.REGISTERED, Optional.empty(), 0, 1, now, now);
    }

    /** Moves to {@code target} at a caller's request, if that move is legal from the current status. */
    public Result<Agent> moveTo(AgentStatus target, Instant now) {
        if (!status.canBecome(target)) {
            return Result.failed(new Problem.FailedPrecondition("ILLEGAL_STATUS_TRANSITION", "agents/" + id,
                    "a " + status.wireName() + " agent cannot become " + target.wireName()));
        }
        return Result.ok(withStatus(target, now));
    }

    /** Marks the agent lost; only for a live agent whose heartbeats stopped. */
    public Agent markLost(Instant now) {
        if (!status.isLive()) {
            throw new IllegalStateException("only a live agent can be lost; " + id + " is " + status.wireName());
        }
        return withStatus(AgentStatus.LOST, now);
    }

    /**
     * Refuses a write that carries a fencing token other than the newest one issued:
     * its worker's lease was taken over (or the token was never issued).
     */
    public Optional<Problem> checkFencingToken(long token) {
        if (token == 0 || token == leaseToken) {
            return Optional.empty();
        }
        return Optional.of(new Problem.FailedPrecondition("STALE_FENCING_TOKEN", "agents/" + id,
                "fencing token " + token + " is not the agent's newest (" + leaseToken
                        + "): its lease was claimed again since"));
    }

    private Agent withStatus(AgentStatus target, Instant now) {
        return new Agent(id, tenant, kind, labels, target, owner, leaseToken, version + 1, createdAt, now);
    }
}
