package io.aicunet.platform.auditlog;

/** The leaves {@code [start, end)} of a Merkle tree (0-based leaf indexes): one node of it. */
public record NodeRange(long start, long end) {

    public NodeRange {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("a node covers at least one leaf: [" + start + ", " + end + ")");
        }
    }

    public long size() {
        return end - start;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
