package io.aicunet.agentstate.application.agents;

import java.util.Map;
import java.util.OptionalLong;

/**
 * What callers ask of agents and their heartbeats, as the gRPC and REST edges hand it
 * over: raw values, not yet validated. Statuses travel as lower-case wire names
 * ({@code running}); absent text is null or empty, absent numbers 0.
 */
public final class AgentCommands {

    private AgentCommands() {
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
}
