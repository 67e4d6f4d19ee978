package io.aicunet.platform.auditlog;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One record of a tenant's audit log, as stored and as exported.
 *
 * @param sequence      1 for a tenant's first record, then one more for each, without gaps
 * @param recordId      the CloudEvents id of an ingested event, or the id a direct record was appended under
 * @param occurredAt    when it happened, as the source says (microseconds)
 * @param recordedAt    when the audit service appended it (microseconds)
 * @param origin        where it came from: the Kafka topic of an event, or {@code grpc} / {@code rest}
 * @param details       what else the source said: the event's protobuf payload, or the caller's bytes
 * @param previousHash  the record hash of the record before (32 zero bytes before the first)
 * @param recordHash    SHA-256 of the canonical encoding of every field above ({@link RecordEncoding})
 */
public record AuditRecord(
        UUID tenantId,
        long sequence,
        UUID recordId,
        Instant occurredAt,
        Instant recordedAt,
        String origin,
        String actor,
        String action,
        String resource,
        String outcome,
        String reason,
        String correlationId,
        byte[] details,
        byte[] previousHash,
        byte[] recordHash) {

    /** The previous hash of a tenant's first record. */
    public static final byte[] GENESIS_HASH = new byte[Sha256.LENGTH];

    public AuditRecord {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(details, "details");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(recordHash, "recordHash");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, was " + sequence);
        }
        if (previousHash.length != Sha256.LENGTH) {
            throw new IllegalArgumentException("previousHash must be 32 bytes, was " + previousHash.length);
        }
    }

    /** This record, linked to {@code previous} and sealed with its own hash. */
    public AuditRecord sealed(long newSequence, byte[] previous) {
        AuditRecord unsealed = new AuditRecord(tenantId, newSequence, recordId, occurredAt, recordedAt, origin, actor,
                action, resource, outcome, reason, correlationId, details, previous, new byte[0]);
        return unsealed.withRecordHash(RecordEncoding.recordHash(unsealed));
    }

    public AuditRecord withRecordHash(byte[] hash) {
        return new AuditRecord(tenantId, sequence, recordId, occurredAt, recordedAt, origin, actor, action, resource,
                outcome, reason, correlationId, details, previousHash, hash);
    }

    /** The leaf index of this record in its tenant's Merkle tree. */
    public long leafIndex() {
        return sequence - 1;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuditRecord that
                && sequence == that.sequence
                && tenantId.equals(that.tenantId)
                && Arrays.equals(recordHash, that.recordHash)
                && Arrays.equals(RecordEncoding.encode(this), RecordEncoding.encode(that));
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenantId, sequence, Arrays.hashCode(recordHash));
    }

    @Override
    public String toString() {
        return "AuditRecord[tenant=" + tenantId + ", sequence=" + sequence + ", action=" + action
                + ", actor=" + actor + ", resource=" + resource + ", outcome=" + outcome + "]";
    }
}
