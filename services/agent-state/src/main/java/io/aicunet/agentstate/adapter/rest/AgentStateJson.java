package io.aicunet.agentstate.adapter.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.Checkpoint;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.agentstate.domain.DeadTask;
import io.aicunet.agentstate.domain.RetentionPolicy;
import io.aicunet.agentstate.domain.Task;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the REST API, in snake_case like the gRPC contract. States and
 * payloads are JSON documents: they travel as JSON text in strings ({@code state_json})
 * on the way in, exactly as over gRPC, and as text on the way out.
 */
final class AgentStateJson {

    private AgentStateJson() {
    }

    record RegisterAgentBody(String kind, Map<String, String> labels) {
    }

    record ChangeStatusBody(String status, @JsonProperty("expected_version") Long expectedVersion,
                            @JsonProperty("fencing_token") Long fencingToken, String reason) {
    }

    record ClaimLeaseBody(@JsonProperty("worker_id") String workerId, @JsonProperty("ttl_millis") Long ttlMillis) {
    }

    record RenewLeaseBody(@JsonProperty("worker_id") String workerId, @JsonProperty("fencing_token") Long fencingToken,
                          @JsonProperty("ttl_millis") Long ttlMillis) {
    }

    record SaveCheckpointBody(@JsonProperty("expected_version") Long expectedVersion,
                              @JsonProperty("state_json") String stateJson, Map<String, String> metadata,
                              @JsonProperty("fencing_token") Long fencingToken) {
    }

    record ForkThreadBody(@JsonProperty("new_thread_id") String newThreadId) {
    }

    record EnqueueTaskBody(@JsonProperty("payload_json") String payloadJson) {
    }

    record ClaimTasksBody(String consumer, Integer count) {
    }

    record ConsumerBody(String consumer, String reason) {
    }

    record RetentionPolicyBody(@JsonProperty("tenant_id") String tenantId,
                               @JsonProperty("keep_last_checkpoints") Integer keepLastCheckpoints,
                               @JsonProperty("idle_thread_ttl_seconds") Long idleThreadTtlSeconds) {

        static RetentionPolicyBody of(RetentionPolicy policy) {
            return new RetentionPolicyBody(policy.tenant().toString(), policy.keepLastCheckpoints(),
                    policy.idleThreadTtlSeconds());
        }
    }

    record AgentBody(String id, String kind, Map<String, String> labels, String status, String owner, long version,
                     @JsonProperty("created_at") Instant createdAt,
                     @JsonProperty("status_changed_at") Instant statusChangedAt) {

        static AgentBody of(Agent agent) {
            return new AgentBody(agent.id().toString(), agent.kind(), agent.labels(), agent.status().wireName(),
                    agent.owner().orElse(""), agent.version(), agent.createdAt(), agent.statusChangedAt());
        }
    }

    record RegisteredBody(AgentBody agent, boolean replayed) {
    }

    record LeaseBody(@JsonProperty("fencing_token") long fencingToken, @JsonProperty("expires_at") Instant expiresAt) {
    }

    record HeartbeatBody(@JsonProperty("lost_after_millis") long lostAfterMillis) {
    }

    record CheckpointSummaryBody(String id, @JsonProperty("agent_id") String agentId,
                                 @JsonProperty("thread_id") String threadId,
                                 @JsonProperty("parent_id") String parentId, long version,
                                 @JsonProperty("state_bytes") long stateBytes, Map<String, String> metadata,
                                 @JsonProperty("created_at") Instant createdAt) {

        static CheckpointSummaryBody of(CheckpointSummary summary) {
            return new CheckpointSummaryBody(summary.id().toString(), summary.agentId().toString(),
                    summary.threadId().toString(), summary.parentId().map(CheckpointId::toString).orElse(""),
                    summary.version(), summary.stateBytes(), summary.metadata(), summary.createdAt());
        }
    }

    /** A checkpoint with its state embedded as JSON (not as a string), for readers. */
    record CheckpointBody(String id, @JsonProperty("agent_id") String agentId,
                          @JsonProperty("thread_id") String threadId,
                          @JsonProperty("parent_id") String parentId, long version,
                          @JsonRawValue String state, @JsonProperty("state_bytes") long stateBytes,
                          Map<String, String> metadata, @JsonProperty("created_at") Instant createdAt) {

        static CheckpointBody of(Checkpoint checkpoint) {
            return new CheckpointBody(checkpoint.id().toString(), checkpoint.agentId().toString(),
                    checkpoint.threadId().toString(), checkpoint.parentId().map(CheckpointId::toString).orElse(""),
                    checkpoint.version(), checkpoint.stateJson(), checkpoint.stateBytes(), checkpoint.metadata(),
                    checkpoint.createdAt());
        }
    }

    record SavedBody(CheckpointSummaryBody checkpoint, boolean replayed) {
    }

    record CheckpointPageBody(List<CheckpointSummaryBody> checkpoints,
                              @JsonProperty("next_page_token") String nextPageToken) {
    }

    record TaskBody(String id, @JsonRawValue String payload, long deliveries) {

        static TaskBody of(Task task) {
            return new TaskBody(task.id(), task.payloadJson(), task.deliveries());
        }
    }

    record DeadTaskBody(String id, @JsonProperty("task_id") String taskId, @JsonRawValue String payload,
                        long deliveries, String reason) {

        static DeadTaskBody of(DeadTask task) {
            return new DeadTaskBody(task.id(), task.taskId(), task.payloadJson(), task.deliveries(), task.reason());
        }
    }

    record TaskIdBody(@JsonProperty("task_id") String taskId) {
    }

    record DeadLetteredBody(@JsonProperty("dead_lettered") boolean deadLettered) {
    }

    record ErasureBody(boolean complete, @JsonProperty("rows_deleted") long rowsDeleted) {
    }

    static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
