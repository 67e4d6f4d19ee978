package io.aicunet.agentstate.domain;

import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One saved state of an agent's thread: version {@code n} of the thread, following
 * its parent (version {@code n-1}, or for a fork's first checkpoint the checkpoint it
 * copies). The state is a JSON document.
 */
public record Checkpoint(
        CheckpointId id,
        TenantId tenant,
        AgentId agentId,
        ThreadId threadId,
        Optional<CheckpointId> parentId,
        long version,
        String stateJson,
        int stateBytes,
        Map<String, String> metadata,
        Instant createdAt) {

    public Checkpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(parentId, "parentId");
        Objects.requireNonNull(stateJson, "stateJson");
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(createdAt, "createdAt");
        if (version < 1) {
            throw new IllegalArgumentException("a checkpoint's version starts at 1, was " + version);
        }
        if (stateBytes < 0) {
            throw new IllegalArgumentException("a state's size is never negative, was " + stateBytes);
        }
    }

    public CheckpointSummary summary() {
        return new CheckpointSummary(id, tenant, agentId, threadId, parentId, version, stateBytes, metadata,
                createdAt);
    }
}
