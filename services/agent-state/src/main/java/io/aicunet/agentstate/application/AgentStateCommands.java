package io.aicunet.agentstate.application;

import java.util.Map;
import java.util.OptionalLong;

/**
 * What callers ask of the agent-state service, as the gRPC and REST edges hand it
 * over: raw values, not yet validated. Statuses travel as lower-case wire names
 * ({@code running}); absent text is null or empty, absent numbers 0.
 */
public final class AgentStateCommands {

    private AgentStateCommands() {
    }

    public record RegisterAgentCommand(String idempotencyKey, String kind, Map<String, String> labels) {
    }

    public record GetAgentQuery(String agentId) {
    }

    public record ChangeAgentStatusCommand(String agentId, String status, OptionalLong expectedVersion,
                                           long fencingToken, String reason) {
    }

    public record WatchAgentQuery(String agentId) {
    }

    public record HeartbeatCommand(String agentId) {
    }

    public record ClaimLeaseCommand(String agentId, String workerId, long ttlMillis) {
    }

    public record RenewLeaseCommand(String agentId, String workerId, long fencingToken, long ttlMillis) {
    }

    public record ReleaseLeaseCommand(String agentId, String workerId, long fencingToken) {
    }

    public record SaveCheckpointCommand(String agentId, String threadId, long expectedVersion, String stateJson,
                                        Map<String, String> metadata, long fencingToken, String idempotencyKey) {
    }

    public record GetLatestCheckpointQuery(String agentId, String threadId) {
    }

    public record GetCheckpointQuery(String agentId, String threadId, String checkpointId) {
    }

    public record ListCheckpointsQuery(String agentId, String threadId, int pageSize, String pageToken) {
    }

    public record ForkThreadCommand(String agentId, String threadId, String checkpointId, String newThreadId,
                                    String idempotencyKey) {
    }

    public record EnqueueTaskCommand(String queue, String payloadJson) {
    }

    public record ClaimTasksCommand(String queue, String consumer, int count) {
    }

    public record AckTaskCommand(String queue, String taskId, String consumer) {
    }

    public record FailTaskCommand(String queue, String taskId, String consumer, String reason) {
    }

    public record ListDeadTasksQuery(String queue, int pageSize) {
    }

    public record GetRetentionPolicyQuery(String tenantId) {
    }

    public record SetRetentionPolicyCommand(String tenantId, int keepLastCheckpoints, long idleThreadTtlSeconds) {
    }

    public record EraseTenantDataCommand(String tenantId) {
    }
}
