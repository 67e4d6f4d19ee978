package io.aicunet.platform.auditlog;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies an export with nothing but the export and the public keys: every record's
 * hash and link (the chain), the Merkle root of the checkpoint the export names
 * computed from the records and the nodes outside the range (the tree), every
 * checkpoint's Ed25519 signature, the consistency of every older checkpoint with that
 * one, and every inclusion proof. Reads the export once, keeping only one leaf hash
 * per record, so a million records fit in a few dozen megabytes.
 */
public final class ExportVerifier {

    private final Map<String, PublicKey> trustedKeys;

    /** @param trustedKeys the public keys by key id, obtained by the auditor on a channel of their own */
    public ExportVerifier(Map<String, PublicKey> trustedKeys) {
        this.trustedKeys = Map.copyOf(trustedKeys);
    }

    public VerificationReport verify(Path export) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            return verify(reader);
        }
    }

    public VerificationReport verify(List<String> lines) {
        try (BufferedReader reader = new BufferedReader(new java.io.StringReader(String.join("\n", lines)))) {
            return verify(reader);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    public VerificationReport verify(BufferedReader reader) throws IOException {
        Run run = new Run();
        List<String> chunk = new ArrayList<>(CHUNK_LINES);
        long lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            chunk.add(line);
            if (chunk.size() == CHUNK_LINES) {
                if (!run.acceptAll(parse(chunk), lineNumber)) {
                    return run.finish();
                }
                lineNumber += chunk.size();
                chunk.clear();
            }
        }
        run.acceptAll(parse(chunk), lineNumber);
        return run.finish();
    }

    /** Lines read before they are parsed together: parsing and hashing, the bulk of the work, run in parallel. */
    private static final int CHUNK_LINES = 8192;

    /** One line parsed, with its record's hash when it is a record, or why it is malformed. */
    private record Parsed(ExportLine line, byte[] recordHash, String malformed, boolean blank) {
    }

    private static List<Parsed> parse(List<String> lines) {
        return lines.parallelStream().map(text -> {
            if (text.isBlank()) {
                return new Parsed(null, null, null, true);
            }
            try {
                ExportLine parsed = ExportLine.parse(text);
                byte[] hash = parsed instanceof ExportLine.Record r ? RecordEncoding.recordHash(r.record()) : null;
                return new Parsed(parsed, hash, null, false);
            } catch (IllegalArgumentException malformed) {
                return new Parsed(null, null, malformed.getMessage(), false);
            }
        }).toList();
    }

    /** The state of one verification. */
    private final class Run {

        /** Takes parsed lines in order; false when the export cannot be read further. */
        boolean acceptAll(List<Parsed> lines, long linesBefore) {
            long lineNumber = linesBefore;
            for (Parsed parsed : lines) {
                lineNumber++;
                if (parsed.blank()) {
                    continue;
                }
                if (parsed.malformed() != null) {
                    structural.add(Finding.of(Finding.Kind.MALFORMED, "line " + lineNumber + ": " + parsed.malformed()));
                    if (header == null) {
                        return false;
                    }
                    continue;
                }
                if (header == null && !(parsed.line() instanceof ExportLine.Header)) {
                    structural.add(Finding.of(Finding.Kind.MALFORMED, "line " + lineNumber
                            + ": the first line of an export is its header"));
                    return false;
                }
                if (parsed.line() instanceof ExportLine.Record r) {
                    acceptRecord(r.record(), parsed.recordHash(), lineNumber);
                    checkSealedDetails(r);
                } else {
                    accept(parsed.line(), lineNumber);
                }
            }
            return true;
        }

        ExportLine.Header header;
        RecordChain chain;
        final List<byte[]> leafHashes = new ArrayList<>();
        final List<SignedTreeHead> checkpoints = new ArrayList<>();
        final List<ExportLine.Node> nodes = new ArrayList<>();
        final List<ExportLine.ConsistencyProof> consistencyProofs = new ArrayList<>();
        final List<ExportLine.InclusionProof> inclusionProofs = new ArrayList<>();
        final List<Finding> structural = new ArrayList<>();
        final List<Finding> other = new ArrayList<>();
        Finding recordFinding;
        Finding sequenceAnomaly;
        long anomalyLine;
        long anomalyFound;
        final BitSet seenAfterAnomaly = new BitSet();

        void accept(ExportLine line, long lineNumber) {
            if (line instanceof ExportLine.Header h) {
                if (header != null) {
                    structural.add(Finding.of(Finding.Kind.MALFORMED, "line " + lineNumber + ": a second header"));
                    return;
                }
                header = h;
                chain = new RecordChain(h.tenantId(), h.firstSequence(), h.firstSequence() == 1
                        ? AuditRecord.GENESIS_HASH : null);
            } else if (line instanceof ExportLine.Checkpoint c) {
                checkpoints.add(c.head());
            } else if (line instanceof ExportLine.Node n) {
                nodes.add(n);
            } else if (line instanceof ExportLine.ConsistencyProof p) {
                consistencyProofs.add(p);
            } else if (line instanceof ExportLine.InclusionProof p) {
                inclusionProofs.add(p);
            } else if (line instanceof ExportLine.Record r) {
                acceptRecord(r.record(), null, lineNumber);
                checkSealedDetails(r);
            }
        }

        /** Sealed details still present must be the ciphertext whose digest the record hash covers. */
        void checkSealedDetails(ExportLine.Record line) {
            if (line.sealedDetails() != null && !SealedDetails.matches(line.record().details(), line.sealedDetails())) {
                long sequence = line.record().sequence();
                other.add(Finding.ofRecord(Finding.Kind.RECORD_ALTERED, sequence, "the sealed details of record "
                        + sequence + " are not the ciphertext whose digest its record hash covers"));
            }
        }

        void acceptRecord(AuditRecord record, byte[] recordHash, long lineNumber) {
            if (sequenceAnomaly != null) {
                // Only look for where the missing record went, to tell removal from reordering.
                long offset = record.sequence() - header.firstSequence();
                if (offset >= 0 && offset < Integer.MAX_VALUE) {
                    seenAfterAnomaly.set((int) offset);
                }
                return;
            }
            if (recordFinding != null) {
                return;
            }
            Optional<Finding> finding = chain.accept(record, recordHash);
            if (finding.isEmpty()) {
                leafHashes.add(MerkleTree.leafHash(chain.lastRecordHash()));
                return;
            }
            Finding.Kind kind = finding.get().kind();
            if (kind == Finding.Kind.RECORD_REMOVED || kind == Finding.Kind.RECORDS_REORDERED) {
                sequenceAnomaly = finding.get();
                anomalyLine = lineNumber;
                anomalyFound = record.sequence();
            } else {
                recordFinding = finding.get();
            }
        }

        VerificationReport finish() {
            List<Finding> findings = new ArrayList<>(structural);
            if (header == null) {
                if (findings.isEmpty()) {
                    findings.add(Finding.of(Finding.Kind.MALFORMED, "the export is empty"));
                }
                return new VerificationReport(new java.util.UUID(0, 0), 0, 0, 0, 0, findings);
            }
            resolveSequenceAnomaly();
            long expectedEnd = header.lastSequence() + 1;
            if (recordFinding == null && chain.nextSequence() != expectedEnd) {
                recordFinding = Finding.ofRecord(Finding.Kind.RECORD_REMOVED, chain.nextSequence(),
                        "record " + chain.nextSequence() + " is missing: the export ends at record "
                                + (chain.nextSequence() - 1) + ", its header says it holds up to "
                                + header.lastSequence());
            }
            if (recordFinding != null) {
                findings.add(recordFinding);
            }
            Map<Long, SignedTreeHead> bySize = checkSignatures();
            SignedTreeHead head = bySize.get(header.treeSize());
            if (head == null) {
                other.add(Finding.of(Finding.Kind.NO_CHECKPOINT, "the export holds no checkpoint of tree size "
                        + header.treeSize() + ", the one its header names"));
            } else if (recordFinding == null) {
                checkTree(head);
            }
            if (head != null) {
                checkConsistency(bySize, head);
            }
            checkInclusion(bySize);
            findings.addAll(other);
            long verified = recordFinding == null ? leafHashes.size() : 0;
            return new VerificationReport(header.tenantId(), header.firstSequence(), header.lastSequence(), verified,
                    bySize.size(), findings);
        }

        void resolveSequenceAnomaly() {
            if (sequenceAnomaly == null) {
                return;
            }
            long expected = chain.nextSequence();
            boolean appearsLater = seenAfterAnomaly.get((int) (expected - header.firstSequence()));
            if (anomalyFound > expected) {
                recordFinding = appearsLater
                        ? Finding.ofRecord(Finding.Kind.RECORDS_REORDERED, expected, "record " + expected
                                + " is out of order: line " + anomalyLine + " holds record " + anomalyFound
                                + " where record " + expected + " belongs, and record " + expected + " comes later")
                        : Finding.ofRecord(Finding.Kind.RECORD_REMOVED, expected, "record " + expected
                                + " was removed: line " + anomalyLine + " holds record " + anomalyFound
                                + " right after record " + (expected - 1));
            } else if (anomalyFound >= header.firstSequence()) {
                recordFinding = Finding.ofRecord(Finding.Kind.RECORD_DUPLICATED, anomalyFound, "record "
                        + anomalyFound + " appears a second time at line " + anomalyLine);
            } else {
                recordFinding = Finding.ofRecord(Finding.Kind.RECORDS_REORDERED, anomalyFound, "record "
                        + anomalyFound + " at line " + anomalyLine + " is outside the export's range "
                        + header.firstSequence() + ".." + header.lastSequence());
            }
        }

        Map<Long, SignedTreeHead> checkSignatures() {
            Map<Long, SignedTreeHead> bySize = new HashMap<>();
            for (SignedTreeHead checkpoint : checkpoints) {
                String name = "checkpoint of tree size " + checkpoint.treeSize();
                if (!checkpoint.tenantId().equals(header.tenantId())) {
                    other.add(Finding.of(Finding.Kind.WRONG_TENANT, name + " belongs to tenant "
                            + checkpoint.tenantId()));
                    continue;
                }
                PublicKey key = trustedKeys.get(checkpoint.keyId());
                if (key == null) {
                    other.add(Finding.of(Finding.Kind.UNKNOWN_KEY, name + " is signed by key "
                            + checkpoint.keyId() + ", which is not among the trusted keys " + trustedKeys.keySet()));
                    continue;
                }
                if (!TreeHeadSignatures.verify(key, checkpoint)) {
                    other.add(Finding.of(Finding.Kind.SIGNATURE_INVALID, name + ": the signature does not verify"
                            + " with key " + checkpoint.keyId() + ": the checkpoint or its signature was forged"));
                    continue;
                }
                bySize.put(checkpoint.treeSize(), checkpoint);
            }
            return bySize;
        }

        void checkTree(SignedTreeHead head) {
            if (header.lastSequence() > head.treeSize()) {
                other.add(Finding.of(Finding.Kind.TREE_INCOMPLETE, "the checkpoint of tree size "
                        + head.treeSize() + " does not cover record " + header.lastSequence()));
                return;
            }
            TreeNodes tree = new TreeNodes().withLeaves(header.firstSequence() - 1, leafHashes);
            for (ExportLine.Node node : nodes) {
                if (node.treeSize() == head.treeSize()) {
                    tree.withNode(node.range(), node.hash());
                }
            }
            try {
                byte[] root = MerkleTree.root(tree, head.treeSize());
                if (!java.util.Arrays.equals(root, head.rootHash())) {
                    other.add(Finding.of(Finding.Kind.ROOT_MISMATCH, "the records and nodes give the root "
                            + Sha256.hex(root) + " for tree size " + head.treeSize() + ", but the checkpoint signed "
                            + Sha256.hex(head.rootHash()) + ": a record or node was altered, added or removed"));
                }
            } catch (MerkleTree.MissingNodeException missing) {
                other.add(Finding.of(Finding.Kind.TREE_INCOMPLETE, "the export lacks the hash of leaves "
                        + missing.range() + " of the tree of size " + head.treeSize()));
            }
        }

        void checkConsistency(Map<Long, SignedTreeHead> bySize, SignedTreeHead head) {
            Map<Long, ExportLine.ConsistencyProof> toHead = new HashMap<>();
            for (ExportLine.ConsistencyProof proof : consistencyProofs) {
                SignedTreeHead first = bySize.get(proof.firstSize());
                SignedTreeHead second = bySize.get(proof.secondSize());
                if (first == null || second == null) {
                    other.add(Finding.of(Finding.Kind.CONSISTENCY_PROOF_INVALID, "the consistency proof "
                            + proof.firstSize() + " -> " + proof.secondSize() + " names a checkpoint the export lacks"
                            + " or whose signature failed"));
                    continue;
                }
                if (!MerkleTree.verifyConsistency(proof.firstSize(), proof.secondSize(), first.rootHash(),
                        second.rootHash(), proof.path())) {
                    other.add(Finding.of(Finding.Kind.CONSISTENCY_PROOF_INVALID, "the checkpoint of tree size "
                            + proof.firstSize() + " is not proven a prefix of the one of size " + proof.secondSize()));
                    continue;
                }
                if (proof.secondSize() == head.treeSize()) {
                    toHead.put(proof.firstSize(), proof);
                }
            }
            for (SignedTreeHead checkpoint : bySize.values()) {
                if (checkpoint.treeSize() < head.treeSize() && !toHead.containsKey(checkpoint.treeSize())) {
                    other.add(Finding.of(Finding.Kind.CONSISTENCY_PROOF_INVALID, "the checkpoint of tree size "
                            + checkpoint.treeSize() + " has no valid consistency proof to the one of size "
                            + head.treeSize()));
                } else if (checkpoint.treeSize() > head.treeSize()) {
                    other.add(Finding.of(Finding.Kind.MALFORMED, "the checkpoint of tree size "
                            + checkpoint.treeSize() + " is newer than the one the header names"));
                }
            }
        }

        void checkInclusion(Map<Long, SignedTreeHead> bySize) {
            if (recordFinding != null) {
                // The records are already known bad; their proofs cannot be checked and would only repeat it.
                return;
            }
            for (ExportLine.InclusionProof proof : inclusionProofs) {
                SignedTreeHead checkpoint = bySize.get(proof.treeSize());
                long offset = proof.sequence() - header.firstSequence();
                if (checkpoint == null || offset < 0 || offset >= leafHashes.size()) {
                    other.add(Finding.ofRecord(Finding.Kind.INCLUSION_PROOF_INVALID, proof.sequence(),
                            "the inclusion proof of record " + proof.sequence() + " in tree size " + proof.treeSize()
                                    + " names a record or checkpoint that is missing or failed"));
                    continue;
                }
                if (!MerkleTree.verifyInclusion(proof.sequence() - 1, proof.treeSize(),
                        leafHashes.get((int) offset), proof.path(), checkpoint.rootHash())) {
                    other.add(Finding.ofRecord(Finding.Kind.INCLUSION_PROOF_INVALID, proof.sequence(),
                            "record " + proof.sequence() + " is not proven in the checkpoint of tree size "
                                    + proof.treeSize()));
                }
            }
        }
    }
}
