package io.aicunet.platform.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sealed details: the record hash covers the digest of the ciphertext, so an export
 * verifies with the ciphertext, without it (removed on a subject's erasure), and
 * names a record whose ciphertext was swapped.
 */
class SealedDetailsTest {

    private static final UUID TENANT = UUID.randomUUID();
    private static final ExportVerifier VERIFIER = new ExportVerifier(
            Map.of(TestLogs.KEY_ID, TestLogs.KEYS.getPublic()));

    /** Ten records, each with details sealed as "aes1:k1:cipher-<i>". */
    private static List<AuditRecord> sealedLog() {
        List<AuditRecord> records = new ArrayList<>();
        byte[] previous = AuditRecord.GENESIS_HASH;
        Instant at = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 1; i <= 10; i++) {
            AuditRecord record = new AuditRecord(TENANT, i, UUID.randomUUID(), at, at, "grpc", "alice",
                    "ledger.transfers.post", "transfer/" + i, "success", "", "", SealedDetails.reference(cipher(i)),
                    AuditRecord.GENESIS_HASH, new byte[0]).sealed(i, previous);
            records.add(record);
            previous = record.recordHash();
        }
        return records;
    }

    private static String cipher(int i) {
        return "aes1:k1:cipher-" + i;
    }

    private static List<String> export(List<AuditRecord> log, java.util.function.IntFunction<String> sealed) {
        List<String> lines = new ArrayList<>();
        for (ExportLine line : ExportAssembly.assemble(log, TestLogs.checkpoint(log, log.size()), List.of(),
                TestLogs.nodes(log), Instant.parse("2025-03-01T00:00:00Z"))) {
            if (line instanceof ExportLine.Record r) {
                int sequence = (int) r.record().sequence();
                lines.add(new ExportLine.Record(r.record(), sealed.apply(sequence), "unreadable", null).toJson());
            } else {
                lines.add(line.toJson());
            }
        }
        return lines;
    }

    @Test
    void referencesAreRecognised() {
        assertThat(SealedDetails.isReference(SealedDetails.reference("aes1:k:x"))).isTrue();
        assertThat(SealedDetails.isReference("aicunet.audit.sealed/1:".getBytes())).isFalse();
        assertThat(SealedDetails.matches(SealedDetails.reference("aes1:k:x"), "aes1:k:x")).isTrue();
        assertThat(SealedDetails.matches(SealedDetails.reference("aes1:k:x"), "aes1:k:y")).isFalse();
    }

    /** Proves: with its ciphertexts, and with some of them removed, the export verifies. */
    @Test
    void sealedAndRedactedExportsVerify() {
        List<AuditRecord> log = sealedLog();
        VerificationReport whole = VERIFIER.verify(export(log, SealedDetailsTest::cipher));
        assertThat(whole.ok()).as(whole.summary()).isTrue();
        assertThat(whole.recordsVerified()).isEqualTo(10);

        VerificationReport redacted = VERIFIER.verify(export(log, i -> i % 2 == 0 ? null : cipher(i)));
        assertThat(redacted.ok()).as(redacted.summary()).isTrue();
    }

    /** Proves: a ciphertext that is not the one the record committed to is RECORD_ALTERED, naming the record. */
    @Test
    void swappedCiphertextIsNamed() {
        List<AuditRecord> log = sealedLog();
        VerificationReport report = VERIFIER.verify(export(log, i -> i == 4 ? cipher(5) : cipher(i)));
        assertThat(report.ok()).isFalse();
        assertThat(report.findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.RECORD_ALTERED);
            assertThat(f.sequence()).isEqualTo(4);
        });
    }
}
