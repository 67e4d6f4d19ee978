package io.aicunet.agentstate.domain;

import io.aicunet.platform.problem.InputChecks;
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
        // Only the canonical form: UUID.fromString also reads texts such as
        // 123e4567e-89b-42d3-a456-426614174000 (as another id), which the documents' uuid refuses.
        return InputChecks.uuid(text).map(ThreadId::new);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
