package io.aicunet.platform.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The offline verifier: a sound export verifies, and every kind of tampering is named precisely. */
class ExportVerifierTest {

    private static final UUID TENANT = UUID.randomUUID();
    private static final List<AuditRecord> LOG = TestLogs.log(TENANT, 40);
    private static final ExportVerifier VERIFIER = new ExportVerifier(
            Map.of(TestLogs.KEY_ID, TestLogs.KEYS.getPublic()));

    private static int lineOf(List<String> lines, long sequence) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{\"type\":\"record\"") && lines.get(i).contains("\"sequence\":" + sequence + ",")) {
                return i;
            }
        }
        throw new AssertionError("no record " + sequence);
    }

    /** Proves: a whole-log export and a mid-log range export, with older checkpoints, verify. */
    @Test
    void soundExportsVerify() {
        VerificationReport whole = VERIFIER.verify(TestLogs.export(LOG, 1, 40, 40, 7, 16, 33));
        assertThat(whole.findings()).isEmpty();
        assertThat(whole.recordsVerified()).isEqualTo(40);
        assertThat(whole.checkpointsVerified()).isEqualTo(4);

        VerificationReport range = VERIFIER.verify(TestLogs.export(LOG, 11, 29, 37, 20));
        assertThat(range.ok()).as(range.summary()).isTrue();
        assertThat(range.recordsVerified()).isEqualTo(19);
    }

    /** Proves: an altered field is named as RECORD_ALTERED with the record's sequence. */
    @Test
    void alteredRecordIsNamed() {
        List<String> lines = new ArrayList<>(TestLogs.export(LOG, 1, 40, 40));
        int line = lineOf(lines, 17);
        lines.set(line, lines.get(line).replace("\"actor\":\"alice\"", "\"actor\":\"mallory\""));
        VerificationReport report = VERIFIER.verify(lines);
        assertThat(report.ok()).isFalse();
        assertThat(report.firstBadRecord()).get()
                .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.RECORD_ALTERED))
                .satisfies(f -> assertThat(f.sequence()).isEqualTo(17));
    }

    /** Proves: a record altered and re-hashed breaks the link of the next; the tree names the forgery too. */
    @Test
    void rehashedRecordBreaksTheChain() {
        List<AuditRecord> forged = new ArrayList<>(LOG);
        AuditRecord original = LOG.get(9);
        AuditRecord changed = new AuditRecord(TENANT, 10, original.recordId(), original.occurredAt(),
                original.recordedAt(), original.origin(), "mallory", original.action(), original.resource(),
                original.outcome(), original.reason(), original.correlationId(), original.details(),
                original.previousHash(), new byte[0]).sealed(10, original.previousHash());
        forged.set(9, changed);
        List<String> lines = new ArrayList<>(TestLogs.export(LOG, 1, 40, 40));
        lines.set(lineOf(lines, 10), new ExportLine.Record(changed).toJson());
        VerificationReport report = VERIFIER.verify(lines);
        assertThat(report.firstBadRecord()).get()
                .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.CHAIN_BROKEN))
                .satisfies(f -> assertThat(f.sequence()).isEqualTo(10));
    }

    /** Proves: a removed record is RECORD_REMOVED naming it, also when it is the last one. */
    @Test
    void removedRecordIsNamed() {
        List<String> lines = new ArrayList<>(TestLogs.export(LOG, 1, 40, 40));
        lines.remove(lineOf(lines, 23));
        assertThat(VERIFIER.verify(lines).firstBadRecord()).get()
                .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.RECORD_REMOVED))
                .satisfies(f -> assertThat(f.sequence()).isEqualTo(23));

        List<String> lastGone = new ArrayList<>(TestLogs.export(LOG, 1, 40, 40));
        lastGone.remove(lineOf(lastGone, 40));
        assertThat(VERIFIER.verify(lastGone).firstBadRecord()).get()
                .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.RECORD_REMOVED))
                .satisfies(f -> assertThat(f.sequence()).isEqualTo(40));
    }

    /** Proves: swapped records are RECORDS_REORDERED naming the first displaced record. */
    @Test
    void reorderedRecordsAreNamed() {
        List<String> lines = new ArrayList<>(TestLogs.export(LOG, 1, 40, 40));
        int a = lineOf(lines, 30);
        int b = lineOf(lines, 31);
        String held = lines.get(a);
        lines.set(a, lines.get(b));
        lines.set(b, held);
        assertThat(VERIFIER.verify(lines).firstBadRecord()).get()
                .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.RECORDS_REORDERED))
                .satisfies(f -> assertThat(f.sequence()).isEqualTo(30));
    }

    /** Proves: a forged signature, a checkpoint signed by an unknown key, and a re-rooted checkpoint are each refused. */
    @Test
    void forgedCheckpointsAreRefused() {
        List<String> lines = new ArrayList<>(TestLogs.export(LOG, 1, 40, 40));
        int checkpoint = indexOfType(lines, "checkpoint");
        String original = lines.get(checkpoint);
        String signature = original.replaceAll(".*\"signature\":\"([^\"]+)\".*", "$1");
        byte[] forged = Base64.getDecoder().decode(signature);
        forged[5] ^= 1;
        lines.set(checkpoint, original.replace(signature, Base64.getEncoder().encodeToString(forged)));
        VerificationReport report = VERIFIER.verify(lines);
        assertThat(report.findings()).extracting(Finding::kind).contains(Finding.Kind.SIGNATURE_INVALID);

        KeyPair attacker = TreeHeadSignatures.generate();
        SignedTreeHead fake = TreeHeadSignatures.sign(attacker.getPrivate(), TestLogs.KEY_ID, TENANT, 40,
                new byte[32], java.time.Instant.now());
        lines.set(checkpoint, new ExportLine.Checkpoint(fake).toJson());
        assertThat(VERIFIER.verify(lines).findings()).extracting(Finding::kind)
                .contains(Finding.Kind.SIGNATURE_INVALID);

        SignedTreeHead unknown = TreeHeadSignatures.sign(attacker.getPrivate(), "attacker-key", TENANT, 40,
                new byte[32], java.time.Instant.now());
        lines.set(checkpoint, new ExportLine.Checkpoint(unknown).toJson());
        assertThat(VERIFIER.verify(lines).findings()).extracting(Finding::kind).contains(Finding.Kind.UNKNOWN_KEY);
    }

    /**
     * Proves: a consistent rewrite of the log's tail (every hash recomputed) still fails,
     * because the signed root no longer matches the tree.
     */
    @Test
    void rewrittenTailFailsTheSignedRoot() {
        List<AuditRecord> rewritten = new ArrayList<>(LOG.subList(0, 35));
        byte[] previous = rewritten.get(34).recordHash();
        for (int i = 36; i <= 40; i++) {
            AuditRecord r = LOG.get(i - 1);
            AuditRecord changed = new AuditRecord(TENANT, i, r.recordId(), r.occurredAt(), r.recordedAt(), r.origin(),
                    "mallory", r.action(), r.resource(), r.outcome(), r.reason(), r.correlationId(), r.details(),
                    previous, new byte[0]).sealed(i, previous);
            rewritten.add(changed);
            previous = changed.recordHash();
        }
        List<String> lines = new ArrayList<>(TestLogs.export(LOG, 1, 40, 40));
        for (int i = 36; i <= 40; i++) {
            lines.set(lineOf(lines, i), new ExportLine.Record(rewritten.get(i - 1)).toJson());
        }
        VerificationReport report = VERIFIER.verify(lines);
        assertThat(report.findings()).extracting(Finding::kind).contains(Finding.Kind.ROOT_MISMATCH);
        assertThat(report.findings()).extracting(Finding::kind).contains(Finding.Kind.INCLUSION_PROOF_INVALID);
    }

    /** Proves: an altered node hash or consistency proof of a range export is detected. */
    @Test
    void alteredNodesAndProofsAreDetected() {
        List<String> lines = new ArrayList<>(TestLogs.export(LOG, 11, 29, 37, 20));
        int node = indexOfType(lines, "node");
        lines.set(node, lines.get(node).replaceAll("\"hash\":\"[0-9a-f]{64}\"", "\"hash\":\"" + "00".repeat(32) + "\""));
        assertThat(VERIFIER.verify(lines).findings()).extracting(Finding::kind).contains(Finding.Kind.ROOT_MISMATCH);

        List<String> proofs = new ArrayList<>(TestLogs.export(LOG, 11, 29, 37, 20));
        int proof = indexOfType(proofs, "consistency_proof");
        // The first hash's first byte, changed to another value (the hashes are random: "ff"
        // alone would leave a proof that starts with ff unchanged, 1 run in 256).
        java.util.regex.Matcher first = java.util.regex.Pattern.compile("\\[\"([0-9a-f]{2})").matcher(proofs.get(proof));
        assertThat(first.find()).as("a consistency proof with a hash").isTrue();
        String flipped = first.group(1).equals("ff") ? "00" : "ff";
        proofs.set(proof, proofs.get(proof).substring(0, first.start(1)) + flipped + proofs.get(proof).substring(first.end(1)));
        assertThat(VERIFIER.verify(proofs).findings()).extracting(Finding::kind)
                .contains(Finding.Kind.CONSISTENCY_PROOF_INVALID);
    }

    /** Proves: a malformed line is reported with its line number, not as an exception. */
    @Test
    void malformedLinesAreReported() {
        List<String> lines = new ArrayList<>(TestLogs.export(LOG, 1, 5, 5));
        lines.set(lineOf(lines, 3), "{\"type\":\"record\",\"sequence\":3}");
        VerificationReport report = VERIFIER.verify(lines);
        assertThat(report.findings().get(0).kind()).isEqualTo(Finding.Kind.MALFORMED);
        assertThat(report.findings().get(0).detail()).contains("line ").contains("is missing");
    }

    private static int indexOfType(List<String> lines, String type) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{\"type\":\"" + type + "\"")) {
                return i;
            }
        }
        throw new AssertionError("no line of type " + type);
    }
}
