package io.aicunet.ledger.bench;

import io.aicunet.contracts.ledger.v1.CreateAccountRequest;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc.LedgerServiceBlockingStub;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferKind;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.platform.outbox.KafkaEventPublisher;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.ManagedChannel;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What the daily token budget costs an agent run's two calls (reserve with a pending
 * transfer, then post what was used): the same runs against a plain pair of TOKEN
 * accounts and against the tenant's budget account, with 1 and 8 clients of one
 * tenant. The budget account is one row per tenant, so its runs serialise on that
 * row's lock: the 8-client figures show what one hot tenant pays. A command, not a
 * test: it starts one ledger process from the packaged jar on a database of its own.
 *
 * <p>Run (after {@code mvn -pl services/ledger package -DskipTests}), from services/ledger:
 * {@code java -cp <test classpath> io.aicunet.ledger.bench.TokenBudgetBenchmark [--seconds 10] [--rounds 2]}
 * (docs/BENCHMARKS.md has the whole command).
 */
public final class TokenBudgetBenchmark {

    private TokenBudgetBenchmark() {
    }

    /** What one phase measured: runs (reserve + post) per second and each call's latency. */
    record Figures(String name, int clients, long runs, double seconds, double p50Millis, double p99Millis) {
        String line() {
            return String.format(Locale.ROOT, "%-8s clients=%d  runs/s=%8.1f  calls/s=%8.1f  p50=%6.2f ms"
                    + "  p99=%6.2f ms  (%d runs in %.1f s)", name, clients, runs / seconds, 2 * runs / seconds,
                    p50Millis, p99Millis, runs, seconds);
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int rounds = 2;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--seconds")) {
                seconds = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            }
        }
        FleetStack.ensureRunning();
        TestDatabase database = TestDatabase.create("ledger");
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> config = new HashMap<>(ServiceProcess.fleetSettings(database, prefix));
        // The request rate limit is not what this measures: the benchmark's tenant is
        // unknown to the tenant service, so it gets the unknown-tenant rate, raised here.
        config.put("aicunet.limits.unknown-tenant.requests-per-minute", "100000000");
        ServiceProcess ledger = ServiceProcess.start("ledger", config);
        ManagedChannel channel = ledger.channel();
        try {
            String tenant = UUID.randomUUID().toString();
            createTenant(prefix, tenant, database);
            LedgerServiceBlockingStub writer = LedgerServiceGrpc.newBlockingStub(TestCallers.as(channel,
                    TestCallers.ofTenant(tenant, "ledger-writer"))).withDeadlineAfter(1, TimeUnit.HOURS);
            String budget = ApplyTenantEvent.defaultAccountId(TenantId.parse(tenant).orElseThrow(), "tokens")
                    .toString();
            String used = ApplyTenantEvent.defaultAccountId(TenantId.parse(tenant).orElseThrow(), "tokens-used")
                    .toString();
            List<Figures> figures = new ArrayList<>();
            for (int clients : new int[] {1, 8}) {
                List<String[]> plain = new ArrayList<>();
                List<String[]> budgeted = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    plain.add(new String[] {open(writer), open(writer)});
                    budgeted.add(new String[] {budget, used});
                }
                // Alternating, so a change of the machine's load hits both alike.
                for (int round = 0; round < rounds; round++) {
                    run(writer, plain, 3);
                    figures.add(run(writer, plain, seconds).named("plain"));
                    run(writer, budgeted, 3);
                    figures.add(run(writer, budgeted, seconds).named("budget"));
                }
            }
            System.out.println("token budget benchmark (" + seconds + " s per phase, after 3 s warm-up, " + rounds
                    + " rounds alternating):");
            figures.forEach(f -> System.out.println(f.line()));
        } finally {
            channel.shutdownNow();
            ledger.close();
            database.drop();
        }
        // The Kafka publisher's and gRPC's threads would keep the JVM alive.
        System.exit(0);
    }

    private static void createTenant(String prefix, String tenant, TestDatabase database) throws Exception {
        Tenant created = Tenant.newBuilder().setId(tenant).setSlug("b-" + tenant.substring(0, 8)).setVersion(1)
                .setQuotas(Quotas.newBuilder().setRequestsPerMinute(100_000_000).setTokensPerDay(Long.MAX_VALUE / 4)
                        .setStorageBytes(1L << 40)).build();
        try (KafkaEventPublisher publisher = KafkaEventPublisher.connect(FleetStack.kafkaAdminSettings(),
                Map.of())) {
            publisher.publish(List.of(new OutboxEvent(UUID.randomUUID(), prefix + "tenant.tenants.v1",
                    TenantCreated.getDescriptor().getFullName(), "/aicunet/tenant",
                    TenantId.parse(tenant).orElseThrow(), tenant, Instant.now(),
                    TenantCreated.newBuilder().setTenant(created).build().toByteArray())))
                    .await().atMost(Duration.ofSeconds(30));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection db = database.connectAsSuperuser(); Statement statement = db.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT count(*) FROM ledger.accounts WHERE tenant_id = '"
                            + UUID.fromString(tenant) + "'")) {
                rows.next();
                if (rows.getLong(1) == 5) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ledger did not open the tenant's accounts within 60 s");
            }
            Thread.sleep(200);
        }
    }

    private static String open(LedgerServiceBlockingStub writer) {
        return writer.createAccount(CreateAccountRequest.newBuilder().setId(UUID.randomUUID().toString())
                .setCode("bench").setUnit("TOKEN").build()).getAccount().getId();
    }

    /** Mutable figures of a phase until it is named. */
    private record Phase(int clients, long runs, double seconds, double p50Millis, double p99Millis) {
        Figures named(String name) {
            return new Figures(name, clients, runs, seconds, p50Millis, p99Millis);
        }
    }

    /** Each client reserves 1,000 tokens and posts 700 of them, over and over, on its pair of accounts. */
    private static Phase run(LedgerServiceBlockingStub writer, List<String[]> pairs, int seconds) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(pairs.size());
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
        try {
            List<CompletableFuture<List<Long>>> clients = new ArrayList<>();
            for (String[] pair : pairs) {
                clients.add(CompletableFuture.supplyAsync(() -> {
                    List<Long> latencies = new ArrayList<>();
                    while (System.nanoTime() < deadline) {
                        String reservation = UUID.randomUUID().toString();
                        call(writer, latencies, NewTransfer.newBuilder().setId(reservation)
                                .setKind(TransferKind.TRANSFER_KIND_PENDING).setDebitAccountId(pair[0])
                                .setCreditAccountId(pair[1]).setAmount(1_000).setTimeoutSeconds(900)
                                .setCode("agent.run"));
                        call(writer, latencies, NewTransfer.newBuilder().setId(UUID.randomUUID().toString())
                                .setKind(TransferKind.TRANSFER_KIND_POST_PENDING).setPendingId(reservation)
                                .setAmount(700));
                    }
                    return latencies;
                }, threads));
            }
            List<Long> all = new ArrayList<>();
            for (CompletableFuture<List<Long>> client : clients) {
                all.addAll(client.get());
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            all.sort(null);
            return new Phase(pairs.size(), all.size() / 2, elapsed, percentile(all, 0.50), percentile(all, 0.99));
        } finally {
            threads.shutdownNow();
        }
    }

    private static void call(LedgerServiceBlockingStub writer, List<Long> latencies, NewTransfer.Builder transfer) {
        long start = System.nanoTime();
        TransferOutcome outcome = writer.createTransfers(CreateTransfersRequest.newBuilder().addTransfers(transfer)
                .build()).getResults(0);
        latencies.add(System.nanoTime() - start);
        if (outcome.getResult() != TransferResult.TRANSFER_RESULT_OK) {
            throw new IllegalStateException("a benchmark transfer failed: " + outcome.getResult() + " "
                    + outcome.getDetail());
        }
    }

    private static double percentile(List<Long> sorted, double share) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(share * sorted.size()) - 1)) / 1e6;
    }
}
