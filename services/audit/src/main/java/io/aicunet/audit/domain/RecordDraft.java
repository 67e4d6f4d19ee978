package io.aicunet.audit.domain;

import io.aicunet.audit.verifier.AuditRecord;
import io.aicunet.audit.verifier.RecordEncoding;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A record about to be appended: everything but its place in the log (tenant,
 * sequence, time of recording and link), which the log assigns under its lock.
 */
public record RecordDraft(UUID recordId, Instant occurredAt, String origin, String actor, String action,
                          String resource, String outcome, String reason, String correlationId, byte[] details) {

    public RecordDraft {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(details, "details");
        occurredAt = RecordEncoding.truncate(occurredAt);
    }

    /** The record at {@code sequence} of the tenant's log, linked to {@code previousHash} and sealed with its hash. */
    public AuditRecord place(UUID tenantId, long sequence, Instant recordedAt, byte[] previousHash) {
        return new AuditRecord(tenantId, sequence, recordId, occurredAt, RecordEncoding.truncate(recordedAt), origin,
                actor, action, resource, outcome, reason, correlationId, details, previousHash, new byte[0])
                .sealed(sequence, previousHash);
    }
}
