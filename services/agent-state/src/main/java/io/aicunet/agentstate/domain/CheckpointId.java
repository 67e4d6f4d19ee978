package io.aicunet.agentstate.domain;

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
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CheckpointId(UUID.fromString(text)));
        } catch (IllegalArgumentException notUuid) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
