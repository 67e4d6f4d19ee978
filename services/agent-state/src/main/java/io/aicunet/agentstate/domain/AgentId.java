package io.aicunet.agentstate.domain;

import io.aicunet.platform.problem.InputChecks;
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
        // Only the canonical form: UUID.fromString also reads texts such as
        // 123e4567e-89b-42d3-a456-426614174000 (as another id), which the documents' uuid refuses.
        return InputChecks.uuid(text).map(AgentId::new);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
