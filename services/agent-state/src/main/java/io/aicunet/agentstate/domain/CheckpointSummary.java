package io.aicunet.agentstate.domain;

import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A checkpoint without its state: what histories list and saves answer. */
public record CheckpointSummary(
        CheckpointId id,
        TenantId tenant,
        AgentId agentId,
        ThreadId threadId,
        Optional<CheckpointId> parentId,
        long version,
        int stateBytes,
        Map<String, String> metadata,
        Instant createdAt) {

    public CheckpointSummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(parentId, "parentId");
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
