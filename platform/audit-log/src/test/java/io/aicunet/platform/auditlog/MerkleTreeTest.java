package io.aicunet.platform.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Merkle tree against RFC 9162's definitions, for every tree up to 70 leaves. */
class MerkleTreeTest {

    private static List<byte[]> leaves(int count) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leaves.add(MerkleTree.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }

    /** RFC 9162 MTH written out literally, to compare against. */
    private static byte[] reference(List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return MerkleTree.nodeHash(reference(leaves.subList(0, k)), reference(leaves.subList(k, leaves.size())));
    }

    /** Proves: leaf and node hashes use the 0x00 and 0x01 prefixes of RFC 9162, and the empty tree hashes to SHA-256(""). */
    @Test
    void hashesFollowRfc9162() {
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(MerkleTree.leafHash(data)).isEqualTo(Sha256.of((byte) 0, data));
        byte[] a = Sha256.of(data);
        assertThat(MerkleTree.nodeHash(a, a)).isEqualTo(Sha256.of((byte) 1, a, a));
        assertThat(MerkleTree.root(new TreeNodes(), 0)).isEqualTo(Sha256.of(new byte[0]));
        // The known CT test vector: the empty-string leaf.
        assertThat(Sha256.hex(MerkleTree.leafHash(new byte[0])))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    }

    /**
     * Proves: roots match the reference; every inclusion proof and every consistency proof
     * of every pair of sizes verifies, and fails for a wrong leaf, index, root or path.
     */
    @Test
    void proofsVerifyForEverySize() {
        List<byte[]> all = leaves(70);
        for (int n = 1; n <= all.size(); n++) {
            List<byte[]> leaves = all.subList(0, n);
            TreeNodes nodes = new TreeNodes().withLeaves(0, leaves);
            byte[] root = MerkleTree.root(nodes, n);
            assertThat(root).isEqualTo(reference(leaves));
            for (int i = 0; i < n; i++) {
                List<byte[]> path = MerkleTree.inclusionPath(nodes, i, n);
                assertThat(MerkleTree.verifyInclusion(i, n, leaves.get(i), path, root)).as("leaf %d of %d", i, n).isTrue();
                int other = (i + 1) % n;
                if (other != i && !Arrays.equals(leaves.get(other), leaves.get(i))) {
                    assertThat(MerkleTree.verifyInclusion(i, n, leaves.get(other), path, root)).isFalse();
                }
                if (!path.isEmpty()) {
                    List<byte[]> altered = new ArrayList<>(path);
                    altered.set(0, leaves.get(i));
                    assertThat(MerkleTree.verifyInclusion(i, n, leaves.get(i), altered, root)).isFalse();
                }
            }
            for (int m = 1; m <= n; m++) {
                byte[] first = MerkleTree.root(nodes, m);
                List<byte[]> path = MerkleTree.consistencyPath(nodes, m, n);
                assertThat(MerkleTree.verifyConsistency(m, n, first, root, path)).as("%d -> %d", m, n).isTrue();
                if (m < n) {
                    assertThat(MerkleTree.verifyConsistency(m, n, root, root, path)).isFalse();
                    assertThat(MerkleTree.verifyConsistency(m, n, first, first, path)).isFalse();
                    if (!path.isEmpty()) {
                        List<byte[]> shortened = path.subList(0, path.size() - 1);
                        assertThat(MerkleTree.verifyConsistency(m, n, first, root, shortened)).isFalse();
                    }
                }
            }
        }
    }

    /**
     * Proves: a tree whose early leaves are gone, kept only as the roots of whole
     * aligned segments, has the same root and the same proofs for the leaves that remain.
     */
    @Test
    void removedSegmentsKeepTheTreeComputable() {
        List<byte[]> leaves = leaves(45);
        TreeNodes full = new TreeNodes().withLeaves(0, leaves);
        TreeNodes pruned = new TreeNodes()
                .withNode(new NodeRange(0, 8), MerkleTree.root(new TreeNodes().withLeaves(0, leaves.subList(0, 8)), 8))
                .withNode(new NodeRange(8, 16), MerkleTree.hashFromLeaves(i -> leaves.get((int) i), 8, 16))
                .withLeaves(16, leaves.subList(16, 45));
        assertThat(MerkleTree.root(pruned, 45)).isEqualTo(MerkleTree.root(full, 45));
        assertThat(MerkleTree.inclusionPath(pruned, 30, 45)).containsExactlyElementsOf(MerkleTree.inclusionPath(full, 30, 45));
        assertThat(MerkleTree.consistencyPath(pruned, 16, 45)).containsExactlyElementsOf(MerkleTree.consistencyPath(full, 16, 45));
    }

    /** Proves: the complement of a range together with its leaves gives back the root. */
    @Test
    void complementAndRangeGiveTheRoot() {
        List<byte[]> leaves = leaves(37);
        byte[] root = MerkleTree.root(new TreeNodes().withLeaves(0, leaves), 37);
        for (int from = 0; from < 37; from++) {
            for (int to = from + 1; to <= 37; to++) {
                TreeNodes partial = new TreeNodes().withLeaves(from, leaves.subList(from, to));
                for (NodeRange range : MerkleTree.complement(37, from, to)) {
                    partial.withNode(range, MerkleTree.hashFromLeaves(i -> leaves.get((int) i), range.start(), range.end()));
                }
                assertThat(MerkleTree.root(partial, 37)).as("[%d, %d)", from, to).isEqualTo(root);
            }
        }
    }
}
