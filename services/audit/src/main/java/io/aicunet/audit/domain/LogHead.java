package io.aicunet.audit.domain;

import io.aicunet.platform.auditlog.AuditRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The end of one tenant's log: how many records it has ever had (the tree size), the
 * hash the next record links to, the segment size it was started with, and the first
 * record retention has not removed.
 */
public record LogHead(UUID tenantId, int segmentSize, long treeSize, byte[] lastRecordHash,
                      long firstRetainedSequence) {

    public LogHead {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(lastRecordHash, "lastRecordHash");
        if (Integer.bitCount(segmentSize) != 1 || segmentSize < 2) {
            throw new IllegalArgumentException("segment size must be a power of two, was " + segmentSize);
        }
        if (treeSize < 0 || firstRetainedSequence < 1 || firstRetainedSequence > treeSize + 1) {
            throw new IllegalStateException("log head of " + tenantId + " is inconsistent: size " + treeSize
                    + ", first retained " + firstRetainedSequence);
        }
    }

    /** The head of a log that has no record yet. */
    public static LogHead empty(UUID tenantId, int segmentSize) {
        return new LogHead(tenantId, segmentSize, 0, AuditRecord.GENESIS_HASH, 1);
    }

    /**
     * Places the drafts after the head, in order, each linked to the one before: the
     * records and the head after them. The link invariant is checked, not assumed.
     */
    public Appended append(List<RecordDraft> drafts, java.time.Instant recordedAt) {
        List<AuditRecord> records = new ArrayList<>(drafts.size());
        byte[] previous = lastRecordHash;
        long sequence = treeSize;
        for (RecordDraft draft : drafts) {
            AuditRecord record = draft.place(tenantId, ++sequence, recordedAt, previous);
            if (!Arrays.equals(record.previousHash(), previous)) {
                throw new IllegalStateException("record " + sequence + " of " + tenantId + " is not linked to its predecessor");
            }
            records.add(record);
            previous = record.recordHash();
        }
        return new Appended(records, new LogHead(tenantId, segmentSize, sequence, previous, firstRetainedSequence));
    }

    /** Records placed by {@link #append} and the head after them. */
    public record Appended(List<AuditRecord> records, LogHead head) {
    }

    /** Segments all of whose records exist (sealable): segments 0 .. fullSegments() - 1. */
    public long fullSegments() {
        return treeSize / segmentSize;
    }

    /** The segment that holds {@code sequence}. */
    public long segmentOf(long sequence) {
        return (sequence - 1) / segmentSize;
    }

    public long firstSequenceOf(long segment) {
        return segment * segmentSize + 1;
    }

    public long lastSequenceOf(long segment) {
        return (segment + 1) * segmentSize;
    }

    /** Whether retention has removed {@code sequence}. */
    public boolean removed(long sequence) {
        return sequence < firstRetainedSequence;
    }
}
