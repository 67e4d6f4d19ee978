package io.aicunet.agentstate.application.leases;

/**
 * What callers ask of agents' leases, as the gRPC and REST edges hand it over: raw
 * values, not yet validated. Absent text is null or empty, absent numbers 0.
 */
public final class LeaseCommands {

    private LeaseCommands() {
    }

    public record ClaimLeaseCommand(String agentId, String workerId, long ttlMillis) {
    }

    public record RenewLeaseCommand(String agentId, String workerId, long fencingToken, long ttlMillis) {
    }

    public record ReleaseLeaseCommand(String agentId, String workerId, long fencingToken) {
    }
}
