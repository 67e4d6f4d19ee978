package io.aicunet.agentstate.application.checkpoints;

import java.util.Map;

/**
 * What callers ask of threads and their checkpoints, as the gRPC and REST edges hand
 * it over: raw values, not yet validated. Absent text is null or empty, absent numbers
 * 0.
 */
public final class CheckpointCommands {

    private CheckpointCommands() {
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
}
