package io.aicunet.platform.auditlog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts an export together from records, the checkpoint that covers them and the tree's
 * nodes: the header, the checkpoints, the nodes outside the range, a consistency
 * proof from every older checkpoint to the covering one, inclusion proofs of the
 * first and last record, and the records. The service exports with it; tests and the
 * benchmark build exports with it.
 */
public final class ExportAssembly {

    private ExportAssembly() {
    }

    /**
     * @param records a non-empty run of consecutive records of one tenant, in sequence order
     * @param head    a checkpoint whose tree holds the last record
     * @param older   earlier checkpoints of the same tenant to include (smaller trees)
     * @param nodes   a source of every node of head's tree outside the records' range,
     *                and of the nodes the proofs need
     */
    public static List<ExportLine> assemble(List<AuditRecord> records, SignedTreeHead head,
                                            List<SignedTreeHead> older, MerkleTree.Nodes nodes, Instant exportedAt) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an export holds at least one record");
        }
        AuditRecord first = records.get(0);
        AuditRecord last = records.get(records.size() - 1);
        if (last.sequence() > head.treeSize()) {
            throw new IllegalArgumentException("checkpoint of size " + head.treeSize() + " does not cover record "
                    + last.sequence());
        }
        List<ExportLine> lines = new ArrayList<>(records.size() + 64);
        lines.add(new ExportLine.Header(first.tenantId(), first.sequence(), last.sequence(), head.treeSize(),
                exportedAt));
        List<SignedTreeHead> earlier = older.stream()
                .filter(c -> c.treeSize() >= 1 && c.treeSize() < head.treeSize())
                .sorted(Comparator.comparingLong(SignedTreeHead::treeSize))
                .toList();
        earlier.forEach(c -> lines.add(new ExportLine.Checkpoint(c)));
        lines.add(new ExportLine.Checkpoint(head));
        if (first.leafIndex() > 0 || last.sequence() < head.treeSize()) {
            for (NodeRange range : MerkleTree.complement(head.treeSize(), first.leafIndex(), last.sequence())) {
                lines.add(new ExportLine.Node(head.treeSize(), range, nodes.hash(range.start(), range.end())));
            }
        }
        for (SignedTreeHead checkpoint : earlier) {
            lines.add(new ExportLine.ConsistencyProof(checkpoint.treeSize(), head.treeSize(),
                    MerkleTree.consistencyPath(nodes, checkpoint.treeSize(), head.treeSize())));
        }
        lines.add(new ExportLine.InclusionProof(first.sequence(), head.treeSize(),
                MerkleTree.inclusionPath(nodes, first.leafIndex(), head.treeSize())));
        if (last.sequence() != first.sequence()) {
            lines.add(new ExportLine.InclusionProof(last.sequence(), head.treeSize(),
                    MerkleTree.inclusionPath(nodes, last.leafIndex(), head.treeSize())));
        }
        records.forEach(r -> lines.add(new ExportLine.Record(r)));
        return lines;
    }
}
