package io.aicunet.agentstate.domain;

import java.util.Objects;

/**
 * A checkpoint as PostgreSQL and the Redis cache hold it: its state sealed with the
 * tenant's data key. Only use cases open it, so no adapter ever sees a state in clear.
 *
 * @param sealedState the state's ciphertext, or its JSON text for rows written before encryption
 */
public record StoredCheckpoint(CheckpointSummary summary, String sealedState) {

    public StoredCheckpoint {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(sealedState, "sealedState");
    }

    /** The checkpoint with the state in clear. */
    public Checkpoint withState(String stateJson) {
        return new Checkpoint(summary.id(), summary.tenant(), summary.agentId(), summary.threadId(),
                summary.parentId(), summary.version(), stateJson, summary.stateBytes(), summary.metadata(),
                summary.createdAt());
    }
}
