package io.aicunet.platform.auditlog;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds chained logs, signed checkpoints and exports for the tests of the log format and
 * of the verifier CLI (which reads this class from this module's test jar).
 */
public final class TestLogs {

    public static final KeyPair KEYS = TreeHeadSignatures.generate();
    public static final String KEY_ID = "test-key-1";

    private TestLogs() {
    }

    /** {@code count} chained records of a new tenant, sequences 1..count. */
    public static List<AuditRecord> log(UUID tenant, int count) {
        List<AuditRecord> records = new ArrayList<>(count);
        byte[] previous = AuditRecord.GENESIS_HASH;
        Instant start = Instant.parse("2025-01-01T00:00:00.000001Z");
        for (int i = 1; i <= count; i++) {
            AuditRecord record = new AuditRecord(tenant, i, UUID.randomUUID(), start.plusSeconds(i),
                    start.plusSeconds(i).plusNanos(5_000), "grpc", "alice", "ledger.transfers.post",
                    "transfer/" + i, "success", "", "corr-" + i, ("payload " + i).getBytes(StandardCharsets.UTF_8),
                    AuditRecord.GENESIS_HASH, new byte[0]).sealed(i, previous);
            records.add(record);
            previous = record.recordHash();
        }
        return records;
    }

    public static TreeNodes nodes(List<AuditRecord> records) {
        return new TreeNodes().withLeaves(0, records.stream().map(r -> MerkleTree.leafHash(r.recordHash())).toList());
    }

    public static SignedTreeHead checkpoint(List<AuditRecord> records, int size) {
        byte[] root = MerkleTree.root(nodes(records), size);
        return TreeHeadSignatures.sign(KEYS.getPrivate(), KEY_ID, records.get(0).tenantId(), size, root,
                Instant.parse("2025-02-01T00:00:00Z"));
    }

    /** An export of records [from, to] (1-based, inclusive) against a checkpoint of size {@code size}. */
    public static List<String> export(List<AuditRecord> log, int from, int to, int size, int... olderSizes) {
        List<SignedTreeHead> older = new ArrayList<>();
        for (int olderSize : olderSizes) {
            older.add(checkpoint(log, olderSize));
        }
        return ExportAssembly.assemble(log.subList(from - 1, to), checkpoint(log, size), older, nodes(log),
                Instant.parse("2025-03-01T00:00:00Z")).stream().map(ExportLine::toJson).toList();
    }
}
