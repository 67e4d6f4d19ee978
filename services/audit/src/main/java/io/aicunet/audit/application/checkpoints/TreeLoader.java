package io.aicunet.audit.application.checkpoints;

import io.aicunet.audit.application.port.AuditLog;
import io.aicunet.audit.domain.LogHead;
import io.aicunet.platform.auditlog.MerkleTree;
import io.aicunet.platform.auditlog.NodeRange;
import io.aicunet.platform.auditlog.TreeNodes;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads what it takes to compute any node of a tenant's tree of a given size without
 * reading the whole log: the roots of the sealed segments (one row per segment,
 * kept even after retention removed their records), plus the leaves of the segments
 * a proof reaches into and of the unfinished last segment.
 */
@ApplicationScoped
public class TreeLoader {

    private final AuditLog log;

    public TreeLoader(AuditLog log) {
        this.log = log;
    }

    /**
     * The nodes of the tree of {@code treeSize} leaves; {@code leafSegments} names the
     * segments whose leaves are needed besides the last, unfinished one.
     */
    public Uni<TreeNodes> load(SqlConnection connection, LogHead head, long treeSize, Set<Long> leafSegments) {
        int size = head.segmentSize();
        long fullSegments = treeSize / size;
        Set<Long> wanted = new TreeSet<>();
        for (long segment : leafSegments) {
            long last = Math.min(head.lastSequenceOf(segment), treeSize);
            if (segment >= 0 && head.firstSequenceOf(segment) <= treeSize && !head.removed(last)) {
                wanted.add(segment);
            }
        }
        if (treeSize % size != 0) {
            wanted.add(fullSegments);
        }
        TreeNodes nodes = new TreeNodes();
        return log.segments(connection, head.tenantId(), fullSegments)
                .invoke(segments -> {
                    segments.forEach((number, segment) -> nodes.withNode(
                            new NodeRange(number * size, (number + 1) * size), segment.rootHash()));
                    // A full segment not sealed yet (a checkpoint of a size not signed by the
                    // checkpointer, which seals first) is read leaf by leaf instead.
                    for (long segment = 0; segment < fullSegments; segment++) {
                        if (!segments.containsKey(segment) && !head.removed(head.lastSequenceOf(segment))) {
                            wanted.add(segment);
                        }
                    }
                })
                .flatMap(ignored -> Multi.createFrom().iterable(wanted)
                        .onItem().transformToUniAndConcatenate(segment -> log.recordHashes(connection, head.tenantId(),
                                        head.firstSequenceOf(segment), Math.min(head.lastSequenceOf(segment), treeSize))
                                .invoke(hashes -> nodes.withLeaves((head.firstSequenceOf(segment) - 1),
                                        leafHashes(hashes))))
                        .collect().asList())
                .replaceWith(nodes);
    }

    static List<byte[]> leafHashes(List<byte[]> recordHashes) {
        return recordHashes.stream().map(MerkleTree::leafHash).toList();
    }
}
