package io.aicunet.audit.application.verification;

import io.aicunet.audit.application.checkpoints.SigningKeys;
import io.aicunet.audit.application.checkpoints.TreeLoader;
import io.aicunet.audit.application.port.AuditLog;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.audit.domain.LogHead;
import io.aicunet.audit.domain.StoredRecord;
import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.Finding;
import io.aicunet.platform.auditlog.MerkleTree;
import io.aicunet.platform.auditlog.RecordChain;
import io.aicunet.platform.auditlog.SealedDetails;
import io.aicunet.platform.auditlog.Sha256;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.auditlog.VerificationReport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Verifies a tenant's stored log with the offline verifier's own code: every retained
 * record's hash and link (from the anchor retention left), every sealed segment's
 * root against its records, and the newest checkpoints' signatures and roots. Reads
 * records in bounded batches and keeps one segment's leaves at a time.
 */
@ApplicationScoped
public class LogVerification {

    private final AuditLog log;
    private final TreeLoader trees;
    private final SigningKeys keys;
    private final AuditServiceConfig config;

    public LogVerification(AuditLog log, TreeLoader trees, SigningKeys keys, AuditServiceConfig config) {
        this.log = log;
        this.trees = trees;
        this.keys = keys;
        this.config = config;
    }

    /** Empty when the tenant has no log. */
    public Uni<Optional<VerificationReport>> verify(SqlConnection connection, UUID tenant) {
        return log.findHead(connection, tenant).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<VerificationReport>empty());
            }
            LogHead head = found.get();
            return log.segments(connection, tenant, head.fullSegments()).flatMap(segments -> {
                Walk walk = new Walk(head, segments);
                return walk.run(connection).flatMap(ignored -> checkCheckpoints(connection, head, walk))
                        .map(ignored -> Optional.of(walk.report()));
            });
        });
    }

    /** One pass over the records. */
    private final class Walk {
        final LogHead head;
        final Map<Long, AuditLog.SealedSegment> segments;
        final RecordChain chain;
        final List<byte[]> segmentLeaves = new ArrayList<>();
        final List<Finding> findings = new ArrayList<>();
        long verified;
        int checkpointsVerified;

        Walk(LogHead head, Map<Long, AuditLog.SealedSegment> segments) {
            this.head = head;
            this.segments = segments;
            byte[] anchor = null;
            if (head.firstRetainedSequence() == 1) {
                anchor = AuditRecord.GENESIS_HASH;
            } else {
                AuditLog.SealedSegment lastRemoved = segments.get(head.segmentOf(head.firstRetainedSequence()) - 1);
                anchor = lastRemoved == null ? null : lastRemoved.lastRecordHash();
            }
            this.chain = new RecordChain(head.tenantId(), head.firstRetainedSequence(), anchor);
        }

        Uni<Void> run(SqlConnection connection) {
            return next(connection, head.firstRetainedSequence());
        }

        private Uni<Void> next(SqlConnection connection, long from) {
            if (from > head.treeSize() || !findings.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            int batch = config.verification().readBatchRecords();
            long to = Math.min(head.treeSize(), from + batch - 1);
            return log.records(connection, head.tenantId(), from, to, batch).flatMap(records -> {
                for (StoredRecord stored : records) {
                    if (!accept(stored.record()) || !sealedDetailsMatch(stored)) {
                        return Uni.createFrom().voidItem();
                    }
                }
                if (records.size() < to - from + 1) {
                    findings.add(Finding.ofRecord(Finding.Kind.RECORD_REMOVED, chain.nextSequence(), "record "
                            + chain.nextSequence() + " is missing from the store: the log's head counts "
                            + head.treeSize() + " records"));
                    return Uni.createFrom().voidItem();
                }
                return next(connection, to + 1);
            });
        }

        /** Sealed details still stored must be the ciphertext whose digest the record hash covers. */
        private boolean sealedDetailsMatch(StoredRecord stored) {
            if (stored.sealedDetails().isEmpty()
                    || SealedDetails.matches(stored.record().details(), stored.sealedDetails().get())) {
                return true;
            }
            long sequence = stored.record().sequence();
            findings.add(Finding.ofRecord(Finding.Kind.RECORD_ALTERED, sequence, "the sealed details of record "
                    + sequence + " are not the ciphertext whose digest its record hash covers"));
            return false;
        }

        private boolean accept(AuditRecord record) {
            Optional<Finding> finding = chain.accept(record);
            if (finding.isPresent()) {
                findings.add(finding.get());
                return false;
            }
            verified++;
            segmentLeaves.add(MerkleTree.leafHash(record.recordHash()));
            if (record.sequence() % head.segmentSize() == 0) {
                long segment = head.segmentOf(record.sequence());
                AuditLog.SealedSegment sealed = segments.get(segment);
                if (sealed != null) {
                    byte[] root = MerkleTree.hashFromLeaves(i -> segmentLeaves.get((int) i), 0, segmentLeaves.size());
                    if (!Arrays.equals(root, sealed.rootHash()) || !Arrays.equals(record.recordHash(),
                            sealed.lastRecordHash())) {
                        findings.add(Finding.ofRecord(Finding.Kind.SEGMENT_ROOT_MISMATCH, head.firstSequenceOf(segment),
                                "segment " + segment + " (records " + head.firstSequenceOf(segment) + ".."
                                        + record.sequence() + ") has the root " + Sha256.hex(root)
                                        + " but was sealed with " + Sha256.hex(sealed.rootHash())));
                        return false;
                    }
                }
                segmentLeaves.clear();
            }
            return true;
        }

        VerificationReport report() {
            return new VerificationReport(head.tenantId(), head.firstRetainedSequence(), head.treeSize(),
                    findings.isEmpty() ? verified : 0, checkpointsVerified, findings);
        }
    }

    private Uni<Void> checkCheckpoints(SqlConnection connection, LogHead head, Walk walk) {
        if (!walk.findings.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, PublicKey> verificationKeys = keys.verificationKeys();
        return log.checkpoints(connection, head.tenantId(), Long.MAX_VALUE, config.verification().checkpointsMax())
                .flatMap(checkpoints -> Multi.createFrom().iterable(checkpoints)
                        .onItem().transformToUniAndConcatenate(checkpoint -> {
                            String name = "checkpoint of tree size " + checkpoint.treeSize();
                            PublicKey key = verificationKeys.get(checkpoint.keyId());
                            if (key == null) {
                                walk.findings.add(Finding.of(Finding.Kind.UNKNOWN_KEY, name + " is signed by key "
                                        + checkpoint.keyId() + ", which is not configured"));
                                return Uni.createFrom().voidItem();
                            }
                            if (!TreeHeadSignatures.verify(key, checkpoint)) {
                                walk.findings.add(Finding.of(Finding.Kind.SIGNATURE_INVALID, name
                                        + ": the signature does not verify with key " + checkpoint.keyId()));
                                return Uni.createFrom().voidItem();
                            }
                            return checkRoot(connection, head, checkpoint, walk);
                        })
                        .collect().asList().replaceWithVoid());
    }

    private Uni<Void> checkRoot(SqlConnection connection, LogHead head, SignedTreeHead checkpoint, Walk walk) {
        return trees.load(connection, head, checkpoint.treeSize(), Set.of()).map(nodes -> {
            try {
                byte[] root = MerkleTree.root(nodes, checkpoint.treeSize());
                if (Arrays.equals(root, checkpoint.rootHash())) {
                    walk.checkpointsVerified++;
                } else {
                    walk.findings.add(Finding.of(Finding.Kind.ROOT_MISMATCH, "the stored log gives the root "
                            + Sha256.hex(root) + " for tree size " + checkpoint.treeSize() + ", the checkpoint signed "
                            + Sha256.hex(checkpoint.rootHash())));
                }
            } catch (MerkleTree.MissingNodeException missing) {
                walk.findings.add(Finding.of(Finding.Kind.TREE_INCOMPLETE, "the tree of size " + checkpoint.treeSize()
                        + " lacks the leaves " + missing.range() + " (a segment was never sealed)"));
            }
            return null;
        });
    }
}
