package io.aicunet.audit.domain;

import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.RecordEncoding;
import io.aicunet.platform.auditlog.SealedDetails;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A record about to be appended: everything but its place in the log (tenant,
 * sequence, time of recording and link), which the log assigns under its lock.
 * {@code sealedDetails} is the ciphertext of details sealed with the tenant's data key;
 * {@code details} are then the reference to it that the record hash covers.
 */
public record RecordDraft(UUID recordId, Instant occurredAt, String origin, String actor, String action,
                          String resource, String outcome, String reason, String correlationId, byte[] details,
                          Optional<String> sealedDetails) {

    /** A draft whose details are kept as they are (not sealed). */
    public RecordDraft(UUID recordId, Instant occurredAt, String origin, String actor, String action,
                       String resource, String outcome, String reason, String correlationId, byte[] details) {
        this(recordId, occurredAt, origin, actor, action, resource, outcome, reason, correlationId, details,
                Optional.empty());
    }

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
        Objects.requireNonNull(sealedDetails, "sealedDetails");
        if (sealedDetails.isPresent() && !SealedDetails.matches(details, sealedDetails.get())) {
            throw new IllegalArgumentException("the details of sealed record " + recordId
                    + " are not the reference to its ciphertext");
        }
        occurredAt = RecordEncoding.truncate(occurredAt);
    }

    /** This draft with its details sealed: {@code ciphertext} kept beside it, its reference hashed. */
    public RecordDraft sealed(String ciphertext) {
        return new RecordDraft(recordId, occurredAt, origin, actor, action, resource, outcome, reason, correlationId,
                SealedDetails.reference(ciphertext), Optional.of(ciphertext));
    }

    /** The record at {@code sequence} of the tenant's log, linked to {@code previousHash} and sealed with its hash. */
    public AuditRecord place(UUID tenantId, long sequence, Instant recordedAt, byte[] previousHash) {
        return new AuditRecord(tenantId, sequence, recordId, occurredAt, RecordEncoding.truncate(recordedAt), origin,
                actor, action, resource, outcome, reason, correlationId, details, previousHash, new byte[0])
                .sealed(sequence, previousHash);
    }
}
