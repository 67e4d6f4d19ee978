package io.aicunet.agentstate.domain;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where an agent is in its life. Only these moves are legal:
 * registered → idle ⇄ running → paused / failed / completed / terminated; paused →
 * running; registered, idle, paused → terminated; idle, running → lost (made by the
 * service alone, when heartbeats stop); lost → idle / failed / terminated. Failed,
 * completed and terminated are final.
 */
public enum AgentStatus {
    REGISTERED,
    IDLE,
    RUNNING,
    PAUSED,
    FAILED,
    COMPLETED,
    TERMINATED,
    LOST;

    /** The statuses a caller may move an agent to from this one (never LOST: only the service does that). */
    public Set<AgentStatus> next() {
        return switch (this) {
            case REGISTERED -> EnumSet.of(IDLE, TERMINATED);
            case IDLE -> EnumSet.of(RUNNING, TERMINATED);
            case RUNNING -> EnumSet.of(IDLE, PAUSED, FAILED, COMPLETED, TERMINATED);
            case PAUSED -> EnumSet.of(RUNNING, TERMINATED);
            case LOST -> EnumSet.of(IDLE, FAILED, TERMINATED);
            case FAILED, COMPLETED, TERMINATED -> EnumSet.noneOf(AgentStatus.class);
        };
    }

    public boolean canBecome(AgentStatus target) {
        return next().contains(target);
    }

    /** Whether an agent in this status is expected to heartbeat, so that silence makes it lost. */
    public boolean isLive() {
        return this == IDLE || this == RUNNING;
    }

    /** Whether this status ends the agent's life. */
    public boolean isFinal() {
        return this == FAILED || this == COMPLETED || this == TERMINATED;
    }

    /** The name used on the wire and in the database: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AgentStatus> fromWireName(String name) {
        for (AgentStatus status : values()) {
            if (status.wireName().equals(name)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
