package io.aicunet.agentstate.domain;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The id of a thread (a line of checkpoints of one agent): a UUID. */
public record ThreadId(UUID value) {

    public ThreadId {
        Objects.requireNonNull(value, "value");
    }

    public static ThreadId random() {
        return new ThreadId(UUID.randomUUID());
    }

    /** The id written as text, or empty when the text is not a UUID. */
    public static Optional<ThreadId> parse(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ThreadId(UUID.fromString(text)));
        } catch (IllegalArgumentException notUuid) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
