package io.aicunet.agentstate.domain;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The id of an agent: a UUID. */
public record AgentId(UUID value) {

    public AgentId {
        Objects.requireNonNull(value, "value");
    }

    public static AgentId random() {
        return new AgentId(UUID.randomUUID());
    }

    /** The id written as text, or empty when the text is not a UUID. */
    public static Optional<AgentId> parse(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(new AgentId(UUID.fromString(text)));
        } catch (IllegalArgumentException notUuid) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
