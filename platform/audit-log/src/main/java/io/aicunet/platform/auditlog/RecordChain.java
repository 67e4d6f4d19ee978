package io.aicunet.platform.auditlog;

import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks records one at a time, in sequence order: right tenant, no gap, content
 * matching its hash, and each record linked to the hash of the one before. Used by
 * the offline verifier and by the service's own verification alike.
 */
public final class RecordChain {

    private final UUID tenantId;
    private long expectedSequence;
    private byte[] previousHash;

    /**
     * @param firstSequence the sequence the first record must have
     * @param previousHash  the hash the first record must link to, or null when unknown
     *                      (a range export starting mid-log: the tree then vouches for the link)
     */
    public RecordChain(UUID tenantId, long firstSequence, byte[] previousHash) {
        this.tenantId = tenantId;
        this.expectedSequence = firstSequence;
        this.previousHash = previousHash;
    }

    /**
     * Checks {@code record}; empty when it is sound, then its hash is what the next
     * record must link to. After a finding the chain is broken: stop feeding it.
     */
    public Optional<Finding> accept(AuditRecord record) {
        return accept(record, null);
    }

    /**
     * As {@link #accept(AuditRecord)}, with the record's hash already computed (by a
     * caller that hashes many records in parallel); null computes it here.
     */
    public Optional<Finding> accept(AuditRecord record, byte[] computedHash) {
        long sequence = record.sequence();
        if (!record.tenantId().equals(tenantId)) {
            return Optional.of(Finding.ofRecord(Finding.Kind.WRONG_TENANT, sequence,
                    "record " + sequence + " belongs to tenant " + record.tenantId() + ", not " + tenantId));
        }
        if (sequence > expectedSequence) {
            return Optional.of(Finding.ofRecord(Finding.Kind.RECORD_REMOVED, expectedSequence,
                    "record " + expectedSequence + " is missing: record " + sequence + " follows record "
                            + (expectedSequence - 1)));
        }
        if (sequence < expectedSequence) {
            return Optional.of(Finding.ofRecord(Finding.Kind.RECORDS_REORDERED, sequence,
                    "record " + sequence + " appears after record " + (expectedSequence - 1)));
        }
        byte[] computed = computedHash != null ? computedHash : RecordEncoding.recordHash(record);
        if (!Arrays.equals(computed, record.recordHash())) {
            return Optional.of(Finding.ofRecord(Finding.Kind.RECORD_ALTERED, sequence,
                    "record " + sequence + " was altered: its content hashes to " + Sha256.hex(computed)
                            + ", its record_hash is " + Sha256.hex(record.recordHash())));
        }
        if (previousHash != null && !Arrays.equals(previousHash, record.previousHash())) {
            long predecessor = sequence - 1;
            return Optional.of(Finding.ofRecord(Finding.Kind.CHAIN_BROKEN, sequence == 1 ? 1 : predecessor,
                    "record " + sequence + " links to " + Sha256.hex(record.previousHash()) + ", but record "
                            + predecessor + " hashes to " + Sha256.hex(previousHash) + ": record " + predecessor
                            + " was altered and re-hashed, or record " + sequence + "'s link was forged"));
        }
        previousHash = computed;
        expectedSequence++;
        return Optional.empty();
    }

    /** The hash of the last record accepted (or the starting link before any). */
    public byte[] lastRecordHash() {
        return previousHash;
    }

    /** The sequence the next record must have. */
    public long nextSequence() {
        return expectedSequence;
    }
}
