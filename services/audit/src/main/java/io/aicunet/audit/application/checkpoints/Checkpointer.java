package io.aicunet.audit.application.checkpoints;

import io.aicunet.audit.application.access.AuditClock;
import io.aicunet.audit.application.port.AuditLog;
import io.aicunet.audit.domain.LogHead;
import io.aicunet.platform.auditlog.MerkleTree;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;

/**
 * Signs a checkpoint of a tenant's log as it is committed now: seals every full
 * segment not sealed yet (stores the root of its records' subtree), computes the root
 * from the segment roots and the last segment's leaves, and signs it with the active
 * key. The head is read without a lock, so appends go on meanwhile; a checkpoint of a
 * size that exists already is returned as it is (one per size, whoever asks).
 */
@ApplicationScoped
public class Checkpointer {

    private final AuditLog log;
    private final TreeLoader trees;
    private final SigningKeys keys;
    private final AuditClock clock;

    public Checkpointer(AuditLog log, TreeLoader trees, SigningKeys keys, AuditClock clock) {
        this.log = log;
        this.trees = trees;
        this.keys = keys;
        this.clock = clock;
    }

    /** The checkpoint of the log's current size; empty when the tenant has no record yet. */
    public Uni<Optional<SignedTreeHead>> checkpoint(SqlConnection connection, UUID tenantId) {
        return log.findHead(connection, tenantId).flatMap(found -> {
            if (found.isEmpty() || found.get().treeSize() == 0) {
                return Uni.createFrom().item(Optional.<SignedTreeHead>empty());
            }
            LogHead head = found.get();
            return log.checkpoint(connection, tenantId, head.treeSize()).flatMap(existing -> existing.isPresent()
                    ? Uni.createFrom().item(existing)
                    : seal(connection, head).flatMap(ignored -> sign(connection, head)).map(Optional::of));
        });
    }

    /** Seals every full segment of the head that is not sealed yet. */
    public Uni<Void> seal(SqlConnection connection, LogHead head) {
        return log.segments(connection, head.tenantId(), head.fullSegments()).flatMap(sealed -> Multi.createFrom()
                .items(LongStream.range(0, head.fullSegments()).boxed())
                .filter(segment -> !sealed.containsKey(segment) && !head.removed(head.lastSequenceOf(segment)))
                .onItem().transformToUniAndConcatenate(segment -> sealOne(connection, head, segment))
                .collect().asList()
                .replaceWithVoid());
    }

    private Uni<Boolean> sealOne(SqlConnection connection, LogHead head, long segment) {
        long first = head.firstSequenceOf(segment);
        long last = head.lastSequenceOf(segment);
        return log.recordHashes(connection, head.tenantId(), first, last).flatMap(hashes -> {
            if (hashes.size() != head.segmentSize()) {
                throw new IllegalStateException("segment " + segment + " of " + head.tenantId() + " holds "
                        + hashes.size() + " records, not " + head.segmentSize() + ": the log lost records");
            }
            var leaves = TreeLoader.leafHashes(hashes);
            byte[] root = MerkleTree.hashFromLeaves(index -> leaves.get((int) index), 0, leaves.size());
            return log.insertSegment(connection, head.tenantId(), segment, first, last, root,
                    hashes.get(hashes.size() - 1));
        });
    }

    private Uni<SignedTreeHead> sign(SqlConnection connection, LogHead head) {
        return trees.load(connection, head, head.treeSize(), Set.of()).flatMap(nodes -> {
            byte[] root = MerkleTree.root(nodes, head.treeSize());
            SignedTreeHead checkpoint = keys.sign(head.tenantId(), head.treeSize(), root, clock.now());
            return log.insertCheckpoint(connection, checkpoint).flatMap(inserted -> inserted
                    ? Uni.createFrom().item(checkpoint)
                    // Another replica signed this size first: theirs stands.
                    : log.checkpoint(connection, head.tenantId(), head.treeSize()).map(Optional::orElseThrow));
        });
    }
}
