package io.aicunet.platform.auditlog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1: leaf hash
 * {@code SHA-256(0x00 || leaf data)}, node hash {@code SHA-256(0x01 || left || right)},
 * a tree of n leaves split at the largest power of two below n. Builds inclusion and
 * consistency proofs from a {@link Nodes} source, and verifies them with the
 * algorithms of sections 2.1.3.2 and 2.1.4.2, which need nothing but the proof.
 *
 * <p>A record's leaf data is its record hash ({@link RecordEncoding#recordHash}), so
 * the tree commits to every byte of every record.
 */
public final class MerkleTree {

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final byte[] EMPTY_ROOT = Sha256.of(new byte[0]);

    /** Where node hashes come from: computed from leaves, or stored for leaves no longer at hand. */
    public interface Nodes {

        /** The hash of the node over leaves {@code [start, end)}; fails with {@link MissingNodeException}. */
        byte[] hash(long start, long end);
    }

    /** A node the source can neither compute nor recall. */
    public static final class MissingNodeException extends IllegalStateException {

        private final transient NodeRange range;

        public MissingNodeException(NodeRange range) {
            super("the hash of the leaves " + range + " is not available");
            this.range = range;
        }

        public NodeRange range() {
            return range;
        }
    }

    private MerkleTree() {
    }

    public static byte[] leafHash(byte[] leafData) {
        return Sha256.of(LEAF_PREFIX, leafData);
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        return Sha256.of(NODE_PREFIX, left, right);
    }

    /** The largest power of two smaller than {@code size} (size at least 2): where RFC 9162 splits. */
    public static long split(long size) {
        if (size < 2) {
            throw new IllegalArgumentException("only a tree of 2 or more leaves splits, not " + size);
        }
        return Long.highestOneBit(size - 1);
    }

    /** The root hash of the tree of the first {@code size} leaves. */
    public static byte[] root(Nodes nodes, long size) {
        return size == 0 ? EMPTY_ROOT.clone() : nodes.hash(0, size);
    }

    /** The hash of leaves {@code [start, end)} computed from leaf hashes alone (RFC 9162 MTH). */
    public static byte[] hashFromLeaves(LeafHashes leaves, long start, long end) {
        if (end - start == 1) {
            return leaves.leafHash(start);
        }
        long k = split(end - start);
        return nodeHash(hashFromLeaves(leaves, start, start + k), hashFromLeaves(leaves, start + k, end));
    }

    /** Leaf hashes by index. */
    @FunctionalInterface
    public interface LeafHashes {
        byte[] leafHash(long index);
    }

    /** The audit path of leaf {@code index} in the tree of {@code size} leaves, leaf to root (RFC 9162 PATH). */
    public static List<byte[]> inclusionPath(Nodes nodes, long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
        }
        List<byte[]> path = new ArrayList<>();
        collectPath(nodes, index, 0, size, path);
        return path;
    }

    private static void collectPath(Nodes nodes, long index, long start, long end, List<byte[]> path) {
        if (end - start == 1) {
            return;
        }
        long k = split(end - start);
        if (index < start + k) {
            collectPath(nodes, index, start, start + k, path);
            path.add(nodes.hash(start + k, end));
        } else {
            collectPath(nodes, index, start + k, end, path);
            path.add(nodes.hash(start, start + k));
        }
    }

    /** The proof that the tree of {@code first} leaves is a prefix of the tree of {@code second} (RFC 9162 PROOF). */
    public static List<byte[]> consistencyPath(Nodes nodes, long first, long second) {
        if (first < 1 || first > second) {
            throw new IllegalArgumentException("a consistency proof needs 1 <= first <= second, was "
                    + first + " and " + second);
        }
        List<byte[]> path = new ArrayList<>();
        collectSubproof(nodes, first, 0, second, true, path);
        return path;
    }

    private static void collectSubproof(Nodes nodes, long first, long start, long end, boolean whole,
                                        List<byte[]> path) {
        long size = end - start;
        if (first == size) {
            if (!whole) {
                path.add(nodes.hash(start, end));
            }
            return;
        }
        long k = split(size);
        if (first <= k) {
            collectSubproof(nodes, first, start, start + k, whole, path);
            path.add(nodes.hash(start + k, end));
        } else {
            collectSubproof(nodes, first - k, start + k, end, false, path);
            path.add(nodes.hash(start, start + k));
        }
    }

    /**
     * The maximal nodes of the tree of {@code size} leaves that hold none of the leaves
     * {@code [from, to)}, left to right: with them and those leaves, a verifier computes the root.
     */
    public static List<NodeRange> complement(long size, long from, long to) {
        if (from < 0 || to > size || from >= to) {
            throw new IllegalArgumentException("leaves [" + from + ", " + to + ") are not a range of a tree of " + size);
        }
        List<NodeRange> nodes = new ArrayList<>();
        collectComplement(0, size, from, to, nodes);
        return nodes;
    }

    private static void collectComplement(long start, long end, long from, long to, List<NodeRange> nodes) {
        if (end <= from || start >= to) {
            nodes.add(new NodeRange(start, end));
            return;
        }
        if (start >= from && end <= to) {
            return;
        }
        long k = split(end - start);
        collectComplement(start, start + k, from, to, nodes);
        collectComplement(start + k, end, from, to, nodes);
    }

    /** RFC 9162 section 2.1.3.2: does {@code path} prove leaf {@code index} in the tree with this root? */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= size) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /** RFC 9162 section 2.1.4.2: does {@code path} prove the first tree a prefix of the second? */
    public static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot,
                                            List<byte[]> path) {
        if (first < 1 || first > second) {
            return false;
        }
        if (first == second) {
            return path.isEmpty() && Arrays.equals(firstRoot, secondRoot);
        }
        List<byte[]> c = new ArrayList<>(path);
        if (Long.bitCount(first) == 1) {
            c.add(0, firstRoot);
        }
        if (c.isEmpty()) {
            return false;
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = c.get(0);
        byte[] sr = c.get(0);
        for (int i = 1; i < c.size(); i++) {
            byte[] p = c.get(i);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(p, fr);
                sr = nodeHash(p, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return Arrays.equals(fr, firstRoot) && Arrays.equals(sr, secondRoot) && sn == 0;
    }
}
