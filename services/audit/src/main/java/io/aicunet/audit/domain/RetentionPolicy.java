package io.aicunet.audit.domain;

import java.util.OptionalInt;

/**
 * How long a tenant's audit records are kept (the tenant service's "audit" data
 * class; unknown until its first event arrives) and whether a legal hold stops removal.
 */
public record RetentionPolicy(OptionalInt retentionDays, boolean legalHold, String legalHoldReason) {

    public static RetentionPolicy unknown() {
        return new RetentionPolicy(OptionalInt.empty(), false, "");
    }
}
