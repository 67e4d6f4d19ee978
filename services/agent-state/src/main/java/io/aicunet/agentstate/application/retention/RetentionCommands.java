package io.aicunet.agentstate.application.retention;

/**
 * What callers ask of tenants' retention policies, as the gRPC and REST edges hand it
 * over: raw values, not yet validated. Absent text is null or empty, absent numbers 0.
 */
public final class RetentionCommands {

    private RetentionCommands() {
    }

    public record GetRetentionPolicyQuery(String tenantId) {
    }

    public record SetRetentionPolicyCommand(String tenantId, int keepLastCheckpoints, long idleThreadTtlSeconds) {
    }
}
