package io.aicunet.agentstate.application.contract;

import com.google.protobuf.Timestamp;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStatus;
import io.aicunet.agentstate.domain.Checkpoint;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.agentstate.domain.DeadTask;
import io.aicunet.agentstate.domain.RetentionPolicy;
import io.aicunet.agentstate.domain.StatusChange;
import io.aicunet.agentstate.domain.Task;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.contracts.agentstate.v1.WatchAgentResponse;
import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Agent-state values as the contracts spell them, for the gRPC edge and for event payloads. */
public final class AgentStateProtos {

    private static final String STATUS_PREFIX = "AGENT_STATUS_";

    private AgentStateProtos() {
    }

    public static io.aicunet.contracts.agentstate.v1.Agent toProto(Agent agent) {
        return io.aicunet.contracts.agentstate.v1.Agent.newBuilder()
                .setId(agent.id().toString())
                .setKind(agent.kind())
                .putAllLabels(agent.labels())
                .setStatus(toProto(agent.status()))
                .setOwner(agent.owner().orElse(""))
                .setVersion(agent.version())
                .setCreatedAt(timestamp(agent.createdAt()))
                .setStatusChangedAt(timestamp(agent.statusChangedAt()))
                .build();
    }

    public static io.aicunet.contracts.agentstate.v1.AgentStatus toProto(AgentStatus status) {
        return io.aicunet.contracts.agentstate.v1.AgentStatus.valueOf(STATUS_PREFIX + status.name());
    }

    public static io.aicunet.contracts.agentstate.v1.AgentStatus toProto(Optional<AgentStatus> status) {
        return status.map(AgentStateProtos::toProto)
                .orElse(io.aicunet.contracts.agentstate.v1.AgentStatus.AGENT_STATUS_UNSPECIFIED);
    }

    /** The wire name of a proto status ({@code running}), or null when unspecified. */
    public static String wireName(io.aicunet.contracts.agentstate.v1.AgentStatus status) {
        return status == io.aicunet.contracts.agentstate.v1.AgentStatus.AGENT_STATUS_UNSPECIFIED
                || status == io.aicunet.contracts.agentstate.v1.AgentStatus.UNRECOGNIZED
                ? null
                : status.name().substring(STATUS_PREFIX.length()).toLowerCase(Locale.ROOT);
    }

    public static io.aicunet.contracts.agentstate.v1.Checkpoint toProto(Checkpoint checkpoint) {
        return io.aicunet.contracts.agentstate.v1.Checkpoint.newBuilder()
                .setId(checkpoint.id().toString())
                .setAgentId(checkpoint.agentId().toString())
                .setThreadId(checkpoint.threadId().toString())
                .setParentId(text(checkpoint.parentId()))
                .setVersion(checkpoint.version())
                .setStateJson(checkpoint.stateJson())
                .setStateBytes(checkpoint.stateBytes())
                .putAllMetadata(checkpoint.metadata())
                .setCreatedAt(timestamp(checkpoint.createdAt()))
                .build();
    }

    public static io.aicunet.contracts.agentstate.v1.CheckpointSummary toProto(CheckpointSummary summary) {
        return io.aicunet.contracts.agentstate.v1.CheckpointSummary.newBuilder()
                .setId(summary.id().toString())
                .setAgentId(summary.agentId().toString())
                .setThreadId(summary.threadId().toString())
                .setParentId(text(summary.parentId()))
                .setVersion(summary.version())
                .setStateBytes(summary.stateBytes())
                .putAllMetadata(summary.metadata())
                .setCreatedAt(timestamp(summary.createdAt()))
                .build();
    }

    public static io.aicunet.contracts.agentstate.v1.Task toProto(Task task) {
        return io.aicunet.contracts.agentstate.v1.Task.newBuilder()
                .setId(task.id())
                .setPayloadJson(task.payloadJson())
                .setDeliveries(task.deliveries())
                .build();
    }

    public static io.aicunet.contracts.agentstate.v1.DeadTask toProto(DeadTask task) {
        return io.aicunet.contracts.agentstate.v1.DeadTask.newBuilder()
                .setId(task.id())
                .setTaskId(task.taskId())
                .setPayloadJson(task.payloadJson())
                .setDeliveries(task.deliveries())
                .setReason(task.reason())
                .build();
    }

    public static io.aicunet.contracts.agentstate.v1.RetentionPolicy toProto(RetentionPolicy policy) {
        return io.aicunet.contracts.agentstate.v1.RetentionPolicy.newBuilder()
                .setTenantId(policy.tenant().toString())
                .setKeepLastCheckpoints(policy.keepLastCheckpoints())
                .setIdleThreadTtlSeconds(policy.idleThreadTtlSeconds())
                .build();
    }

    public static WatchAgentResponse toProto(StatusChange change) {
        return WatchAgentResponse.newBuilder()
                .setAgentId(change.agentId().toString())
                .setStatus(toProto(change.status()))
                .setPreviousStatus(toProto(change.previousStatus()))
                .setVersion(change.version())
                .setChangedAt(timestamp(change.changedAt()))
                .build();
    }

    /** The checkpoint as the contract spells it, back to the domain (for the cache, which stores the contract's bytes). */
    public static Checkpoint fromProto(io.aicunet.contracts.agentstate.v1.Checkpoint proto,
                                       TenantId tenant) {
        return new Checkpoint(
                CheckpointId.parse(proto.getId()).orElseThrow(),
                tenant,
                AgentId.parse(proto.getAgentId()).orElseThrow(),
                ThreadId.parse(proto.getThreadId()).orElseThrow(),
                CheckpointId.parse(proto.getParentId()),
                proto.getVersion(),
                proto.getStateJson(),
                (int) proto.getStateBytes(),
                proto.getMetadataMap(),
                Instant.ofEpochSecond(proto.getCreatedAt().getSeconds(), proto.getCreatedAt().getNanos()));
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static String text(Optional<CheckpointId> id) {
        return id.map(CheckpointId::toString).orElse("");
    }
}
