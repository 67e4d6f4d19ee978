package io.aicunet.audit.bench;

import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.audit.v1.AppendRequest;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc.AuditServiceBlockingStub;
import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.contracts.audit.v1.GetInclusionProofRequest;
import io.aicunet.contracts.audit.v1.GetInclusionProofResponse;
import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.ExportLine;
import io.aicunet.platform.auditlog.ExportVerifier;
import io.aicunet.platform.auditlog.MerkleTree;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.auditlog.TreeNodes;
import io.aicunet.platform.auditlog.VerificationReport;
import io.aicunet.platform.outbox.KafkaEventPublisher;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.Medians;
import io.aicunet.platform.testing.ProcessUsage;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.ManagedChannel;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The audit service's benchmark, run with {@code ./fleet bench audit} against the
 * service started by {@code ./fleet up} (127.0.0.1:18084). Prints appends/s through
 * batched gRPC Append and through Kafka ingest, each run {@code runs} times with every
 * run's figure and the median (after a warm-up of {@code warmUpRecords} each way that is not
 * counted), then from one run the inclusion proof latency (p50, p99),
 * the time the offline verifier takes for one million records, and immudb's verified
 * writes/s where immudb is installed.
 *
 * <p>Arguments (all optional): {@code grpcRecords=200000 kafkaRecords=200000
 * verifyRecords=1000000 proofs=1000 tenants=8 port=18084 runs=3 warmUpRecords=50000}.
 */
public final class AuditBenchmark {

    private AuditBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Long> options = new java.util.HashMap<>(Map.of("grpcRecords", 200_000L, "kafkaRecords", 200_000L,
                "verifyRecords", 1_000_000L, "proofs", 1_000L, "tenants", 8L, "port", 18_084L, "runs", 3L,
                "warmUpRecords", 50_000L));
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            if (pair.length != 2 || !options.containsKey(pair[0])) {
                throw new IllegalArgumentException("unknown argument " + arg + "; known: " + options.keySet());
            }
            options.put(pair[0], Long.parseLong(pair[1]));
        }
        int port = options.get("port").intValue();
        int tenants = options.get("tenants").intValue();
        System.out.printf("audit benchmark, %s, %d cores%n", Instant.now(), Runtime.getRuntime().availableProcessors());

        int runs = options.get("runs").intValue();
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, not " + runs);
        }
        Medians figures = new Medians();
        ManagedChannel channel = ServiceTls.stackChannel("127.0.0.1", port);
        try {
            List<String> grpcTenants = List.of();
            int warmUp = options.get("warmUpRecords").intValue();
            if (warmUp > 0) {
                // Not counted: a service just started pays for its JIT, its pools and its prepared
                // statements in its first tens of thousands of appends.
                System.out.printf("-- warm-up: %d records each way, not counted --%n", warmUp);
                grpcAppends(channel, warmUp, tenants, new Medians());
                kafkaIngest(warmUp, tenants * 2, new Medians());
            }
            for (int run = 1; run <= runs; run++) {
                System.out.printf("-- run %d of %d --%n", run, runs);
                grpcTenants = grpcAppends(channel, options.get("grpcRecords").intValue(), tenants, figures);
                kafkaIngest(options.get("kafkaRecords").intValue(), tenants * 2, figures);
            }
            System.out.println("-- medians --");
            figures.print(System.out);
            proofLatency(channel, grpcTenants.get(0), options.get("proofs").intValue());
        } finally {
            channel.shutdownNow();
        }
        offlineVerification(options.get("verifyRecords").intValue());
        immudb();
        // exec:java would otherwise wait for the client libraries' lingering non-daemon threads.
        System.out.flush();
        System.exit(0);
    }

    /** Batched Append of 1000 records, one thread per tenant (appends of one tenant are serialised by design). */
    static List<String> grpcAppends(ManagedChannel channel, int records, int tenants, Medians figures)
            throws Exception {
        int batch = 1000;
        int batchesPerTenant = Math.max(1, records / batch / tenants);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        AuditServiceBlockingStub service = AuditServiceGrpc.newBlockingStub(
                TestCallers.as(channel, AuditFixtures.platformService()));
        // Warm-up: connections, prepared statements, JIT.
        service.append(AuditFixtures.anAppend(UUID.randomUUID().toString(), batch).build());
        List<List<AppendRequest>> requests = new ArrayList<>();
        for (String tenant : ids) {
            List<AppendRequest> perTenant = new ArrayList<>();
            for (int b = 0; b < batchesPerTenant; b++) {
                perTenant.add(AuditFixtures.anAppend(tenant, batch).build());
            }
            requests.add(perTenant);
        }
        ExecutorService pool = Executors.newFixedThreadPool(tenants);
        ProcessUsage.Meter usage = ProcessUsage.meter(ProcessUsage.stackService("audit"));
        long started = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (List<AppendRequest> perTenant : requests) {
            done.add(pool.submit(() -> perTenant.forEach(r -> service.withDeadlineAfter(60, TimeUnit.SECONDS).append(r))));
        }
        for (Future<?> future : done) {
            future.get(10, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdownNow();
        long total = (long) batchesPerTenant * batch * tenants;
        String line = String.format("gRPC Append, batches of %d, %d tenants in parallel: %d records in %.2f s ="
                + " %,.0f appends/s (per call of %d records: %s)", batch, tenants, total, seconds, total / seconds, batch,
                usage.line(total / batch, seconds));
        System.out.println(line);
        figures.add("gRPC Append, batches of " + batch, total / seconds, Double.NaN, line);
        return ids;
    }

    /** Inclusion proofs of random records of one tenant against its newest checkpoint. */
    static void proofLatency(ManagedChannel channel, String tenant, int proofs) {
        AuditServiceBlockingStub auditor = AuditServiceGrpc.newBlockingStub(
                TestCallers.as(channel, AuditFixtures.platformAuditor()));
        long size = auditor.createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(tenant).build())
                .getCheckpoint().getTreeSize();
        Random random = new Random(42);
        long[] nanos = new long[proofs];
        int verified = 0;
        for (int i = -50; i < proofs; i++) {
            long sequence = 1 + (long) (random.nextDouble() * size);
            long started = System.nanoTime();
            GetInclusionProofResponse proof = auditor.withDeadlineAfter(30, TimeUnit.SECONDS).getInclusionProof(
                    GetInclusionProofRequest.newBuilder().setTenantId(tenant).setSequence(sequence).build());
            long took = System.nanoTime() - started;
            if (i < 0) {
                continue;
            }
            nanos[i] = took;
            if (MerkleTree.verifyInclusion(sequence - 1, proof.getCheckpoint().getTreeSize(),
                    MerkleTree.leafHash(proof.getRecord().getRecordHash().toByteArray()),
                    proof.getPathList().stream().map(b -> b.toByteArray()).toList(),
                    proof.getCheckpoint().getRootHash().toByteArray())) {
                verified++;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("inclusion proofs (tree of %,d records, sequential calls): p50 %.2f ms, p99 %.2f ms,"
                        + " %d of %d verified%n", size, nanos[proofs / 2] / 1e6, nanos[(int) (proofs * 0.99)] / 1e6,
                verified, proofs);
    }

    /** Events published to ledger.transfers.v1, timed until the running service has appended all of them. */
    static void kafkaIngest(int events, int tenants, Medians figures) throws Exception {
        List<TenantId> ids = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            ids.add(TenantId.random());
        }
        byte[] payload = new byte[120];
        new Random(7).nextBytes(payload);
        List<List<OutboxEvent>> chunks = new ArrayList<>();
        List<OutboxEvent> chunk = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            TenantId tenant = ids.get(i % tenants);
            chunk.add(new OutboxEvent(UUID.randomUUID(), "ledger.transfers.v1", "aicunet.ledger.v1.TransferPosted",
                    "/aicunet/ledger", tenant, "transfer-" + i, Instant.now(), payload));
            if (chunk.size() == 5000) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        UUID[] tenantIds = ids.stream().map(TenantId::value).toArray(UUID[]::new);
        // Larger producer batches than the outbox relay's, so the producer keeps ahead of the ingest.
        try (KafkaEventPublisher publisher = KafkaEventPublisher.connect(FleetStack.kafkaAdminSettings(),
                        Map.of("batch.size", 262_144, "linger.ms", 5));
                Connection database = DriverManager.getConnection(
                        TestDatabase.jdbcUrl("audit"), "postgres",
                        FleetStack.postgresSuperuserPassword())) {
            ProcessUsage.Meter usage = ProcessUsage.meter(ProcessUsage.stackService("audit"));
            long started = System.nanoTime();
            for (List<OutboxEvent> c : chunks) {
                publisher.publish(c).await().atMost(Duration.ofSeconds(60));
            }
            double published = (System.nanoTime() - started) / 1e9;
            PreparedStatement count = database.prepareStatement(
                    "SELECT coalesce(sum(tree_size), 0) FROM audit.audit_heads WHERE tenant_id = ANY(?)");
            count.setArray(1, database.createArrayOf("uuid", tenantIds));
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    return rows.getLong(1) >= events;
                }
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            PreparedStatement span = database.prepareStatement("SELECT extract(epoch FROM max(recorded_at)"
                    + " - min(recorded_at)) FROM audit.audit_records WHERE tenant_id = ANY(?)");
            span.setArray(1, database.createArrayOf("uuid", tenantIds));
            double appending;
            try (ResultSet rows = span.executeQuery()) {
                rows.next();
                appending = rows.getDouble(1);
            }
            String line = String.format("Kafka ingest, %d tenants: %d events published in %.2f s, all appended"
                    + " after %.2f s = %,.0f appends/s end to end (%,.0f appends/s between the first and the last"
                    + " append; per event: %s)", tenants, events, published, seconds, events / seconds,
                    events / appending, usage.line(events, seconds));
            System.out.println(line);
            figures.add("Kafka ingest, end to end", events / seconds, Double.NaN, line);
            ProcessUsage.stackService("audit").ifPresent(audit -> System.out.println("audit process: "
                    + audit.snapshot().memory()));
        }
    }

    /** The offline verifier on a generated export of {@code count} records (chain, tree, signature, proofs). */
    static void offlineVerification(int count) throws Exception {
        UUID tenant = UUID.randomUUID();
        KeyPair keys = TreeHeadSignatures.generate();
        Path file = Files.createTempFile("audit-export-", ".jsonl");
        try {
            byte[][] leaves = new byte[count][];
            byte[] previous = AuditRecord.GENESIS_HASH;
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            byte[] details = "{\"amount\":1200,\"currency\":\"EUR\",\"account\":\"acc-42\"}".getBytes(StandardCharsets.UTF_8);
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write(new ExportLine.Header(tenant, 1, count, count, Instant.now()).toJson());
                out.newLine();
                for (int i = 1; i <= count; i++) {
                    Instant at = start.plusMillis(i);
                    AuditRecord record = new AuditRecord(tenant, i, UUID.randomUUID(), at, at, "ledger.transfers.v1",
                            "/aicunet/ledger", "aicunet.ledger.v1.TransferPosted", "transfer/" + i, "success", "",
                            "corr-" + i, details, previous, new byte[0]).sealed(i, previous);
                    previous = record.recordHash();
                    leaves[i - 1] = MerkleTree.leafHash(previous);
                    out.write(new ExportLine.Record(record).toJson());
                    out.newLine();
                }
                TreeNodes nodes = new TreeNodes().withLeaves(0, Arrays.asList(leaves));
                SignedTreeHead head = TreeHeadSignatures.sign(keys.getPrivate(), "bench", tenant, count,
                        MerkleTree.root(nodes, count), Instant.now());
                out.write(new ExportLine.Checkpoint(head).toJson());
                out.newLine();
                out.write(new ExportLine.InclusionProof(count / 2, count,
                        MerkleTree.inclusionPath(nodes, count / 2 - 1, count)).toJson());
                out.newLine();
            }
            long bytes = Files.size(file);
            long started = System.nanoTime();
            VerificationReport report = new ExportVerifier(Map.of("bench", keys.getPublic())).verify(file);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (!report.ok()) {
                throw new IllegalStateException("the generated export does not verify: " + report.summary());
            }
            System.out.printf("offline verification of %,d records (%,d MB JSON Lines): %.2f s (%s)%n", count,
                    bytes / 1_000_000, seconds, report.summary());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** immudb's verified writes, when its server can be found; otherwise why not. */
    static void immudb() {
        Path binary = Path.of(System.getProperty("user.home"), "go", "bin", "immudb");
        if (!Files.isExecutable(binary)) {
            System.out.println("immudb: not installed on this machine: `go install github.com/codenotary/immudb/"
                    + "cmd/immudb@v1.9.5` failed (the Go module proxy here answers 403 for that module), so no peer"
                    + " figure from this run");
            return;
        }
        System.out.println("immudb: found at " + binary + ", but this benchmark has no immudb client to drive it");
    }
}
