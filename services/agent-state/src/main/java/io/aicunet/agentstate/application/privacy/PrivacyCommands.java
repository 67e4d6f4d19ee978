package io.aicunet.agentstate.application.privacy;

/**
 * What callers ask of a tenant's erasure, as the gRPC and REST edges hand it over: raw
 * values, not yet validated. Absent text is null or empty, absent numbers 0.
 */
public final class PrivacyCommands {

    private PrivacyCommands() {
    }

    public record EraseTenantDataCommand(String tenantId) {
    }
}
