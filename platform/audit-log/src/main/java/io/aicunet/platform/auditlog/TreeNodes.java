package io.aicunet.platform.auditlog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of one tenant's tree as far as they are at hand: runs of consecutive leaf
 * hashes (records present), and stored hashes of whole nodes (segments whose records
 * were removed by retention, or the complement nodes an export carries). A node is
 * computed from leaves when a run holds all of its leaves, taken from the stored
 * hashes when one is stored for exactly its range, and otherwise split as RFC 9162 does.
 */
public final class TreeNodes implements MerkleTree.Nodes {

    private final List<LeafRun> runs = new ArrayList<>();
    private final Map<NodeRange, byte[]> stored = new HashMap<>();

    /** Consecutive leaf hashes starting at leaf {@code start}. */
    public record LeafRun(long start, List<byte[]> leafHashes) {

        long end() {
            return start + leafHashes.size();
        }

        boolean holds(long from, long to) {
            return from >= start && to <= end();
        }
    }

    /** Adds leaf hashes for leaves {@code start, start + 1, ...}. */
    public TreeNodes withLeaves(long start, List<byte[]> leafHashes) {
        if (!leafHashes.isEmpty()) {
            runs.add(new LeafRun(start, leafHashes));
        }
        return this;
    }

    /** Adds the stored hash of the node over {@code range}. */
    public TreeNodes withNode(NodeRange range, byte[] hash) {
        stored.put(range, hash);
        return this;
    }

    @Override
    public byte[] hash(long start, long end) {
        for (LeafRun run : runs) {
            if (run.holds(start, end)) {
                return MerkleTree.hashFromLeaves(index -> run.leafHashes().get((int) (index - run.start())), start, end);
            }
        }
        byte[] known = stored.get(new NodeRange(start, end));
        if (known != null) {
            return known;
        }
        if (end - start == 1) {
            throw new MerkleTree.MissingNodeException(new NodeRange(start, end));
        }
        long k = MerkleTree.split(end - start);
        return MerkleTree.nodeHash(hash(start, start + k), hash(start + k, end));
    }
}
