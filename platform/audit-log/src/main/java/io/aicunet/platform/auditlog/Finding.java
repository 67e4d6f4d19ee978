package io.aicunet.platform.auditlog;

import java.util.Objects;

/**
 * One thing a verification found wrong.
 *
 * @param sequence the record it names (0 when it names none, e.g. a bad signature)
 */
public record Finding(Kind kind, long sequence, String detail) {

    /** What is wrong. */
    public enum Kind {
        /** A line of the export is not what the format says. */
        MALFORMED,
        /** A record or checkpoint belongs to another tenant than the export. */
        WRONG_TENANT,
        /** A record's content does not hash to its record hash: it was altered. */
        RECORD_ALTERED,
        /** A record does not link to its predecessor's hash. */
        CHAIN_BROKEN,
        /** A record of the range is missing. */
        RECORD_REMOVED,
        /** Records are not in sequence order. */
        RECORDS_REORDERED,
        /** A record appears twice. */
        RECORD_DUPLICATED,
        /** No checkpoint covers the range. */
        NO_CHECKPOINT,
        /** A checkpoint names a key the verifier does not hold. */
        UNKNOWN_KEY,
        /** A checkpoint's signature does not verify: forged or altered. */
        SIGNATURE_INVALID,
        /** The records and nodes do not determine the checkpoint's tree. */
        TREE_INCOMPLETE,
        /** The tree computed from the records is not the one the checkpoint signed. */
        ROOT_MISMATCH,
        /** A stored segment root differs from its records' tree. */
        SEGMENT_ROOT_MISMATCH,
        /** An inclusion proof does not prove its record in its checkpoint. */
        INCLUSION_PROOF_INVALID,
        /** A consistency proof does not prove one checkpoint a prefix of another, or is missing. */
        CONSISTENCY_PROOF_INVALID
    }

    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public static Finding ofRecord(Kind kind, long sequence, String detail) {
        return new Finding(kind, sequence, detail);
    }

    public static Finding of(Kind kind, String detail) {
        return new Finding(kind, 0, detail);
    }

    public boolean namesRecord() {
        return sequence > 0;
    }

    @Override
    public String toString() {
        return kind + (namesRecord() ? " (record " + sequence + ")" : "") + ": " + detail;
    }
}
