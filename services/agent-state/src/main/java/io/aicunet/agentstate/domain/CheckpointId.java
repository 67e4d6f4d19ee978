package io.aicunet.agentstate.domain;

import io.aicunet.platform.problem.InputChecks;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The id of a checkpoint: a UUID. */
public record CheckpointId(UUID value) {

    public CheckpointId {
        Objects.requireNonNull(value, "value");
    }

    public static CheckpointId random() {
        return new CheckpointId(UUID.randomUUID());
    }

    /** The id written as text, or empty when the text is not a UUID. */
    public static Optional<CheckpointId> parse(String text) {
        // Only the canonical form: UUID.fromString also reads texts such as
        // 123e4567e-89b-42d3-a456-426614174000 (as another id), which the documents' uuid refuses.
        return InputChecks.uuid(text).map(CheckpointId::new);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
