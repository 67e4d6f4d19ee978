package io.aicunet.ledger.bench;

import io.aicunet.contracts.ledger.v1.CreateAccountRequest;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.CreateTransfersResponse;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc.LedgerServiceBlockingStub;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferKind;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.ledger.application.transfers.CreateTransfers;
import io.aicunet.platform.policy.Authorizer;
import io.aicunet.platform.policy.PolicyConfig;
import io.aicunet.platform.policy.PolicyStep;
import io.aicunet.platform.policy.Resource;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.StackTenants;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.PostgresTools;
import io.aicunet.platform.testing.Medians;
import io.aicunet.platform.testing.PipelineCost;
import io.aicunet.platform.testing.ProcessUsage;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ledger's benchmark: drives the running service (./fleet up) over gRPC and
 * prints transfers per second, call latency (p50, p99) and the service's own CPU per
 * call for single transfers from 64 concurrent callers and from one caller, and for
 * batches of 100 and 1,000, each phase run three times with the median marked; then
 * pgbench's TPC-B-like TPS on the same PostgreSQL, in a scratch database it creates and
 * drops, as the peer figure (also three runs, median).
 *
 * <p>Run: {@code ./fleet bench ledger [--port 18082] [--seconds 10] [--pgbench-seconds 15]
 * [--phases single,single-1,100,1000] [--runs 3] [--warm-up-seconds 5] [--pipeline-cost-only]}
 * ({@code --pgbench-seconds 0} skips the peer). The calls are those of a tenant of the
 * running tenant service with a request rate quota no phase reaches, so the figures are
 * the ledger's, not its rate limit's. It starts with what the request pipeline adds to a CreateTransfers
 * call ({@link PipelineCost}: token verification and the policy step, in process;
 * {@code --pipeline-cost-only} stops there and needs only Keycloak and OPA).
 * Each client thread writes its own accounts, so the figures measure the ledger's
 * throughput rather than one hot row (the hot-row case is a correctness test:
 * BalanceLimitConcurrencyTest).
 */
public final class LedgerBenchmark {

    private static final int ACCOUNTS_PER_CLIENT = 8;
    /** Concurrent callers of single transfers: the platform posts one per model call, from many callers. */
    private static final int SINGLE_CALLERS = 64;

    private final LedgerServiceBlockingStub ledger;
    private final String tenant;
    /** The ledger process ./fleet up started, whose CPU per call and memory each phase reports. */
    private final Optional<ProcessUsage> service = ProcessUsage.stackService("ledger");

    private LedgerBenchmark(ManagedChannel channel, String tenant) {
        this.tenant = tenant;
        this.ledger = LedgerServiceGrpc.newBlockingStub(TestCallers.as(channel,
                        TestCallers.headers(tenant, "ledger-benchmark", java.util.Set.of("ledger-writer"))))
                .withMaxInboundMessageSize(64 * 1024 * 1024)
                .withMaxOutboundMessageSize(64 * 1024 * 1024);
    }

    /** What one phase measured. */
    record Figures(String name, int clients, int batchSize, long transfers, long calls, double seconds,
                   double p50Millis, double p99Millis, String cpu) {

        double transfersPerSecond() {
            return transfers / seconds;
        }

        String line() {
            return String.format(Locale.ROOT, "%-16s clients=%-3d transfers/s=%9.0f  calls/s=%8.1f  p50=%7.2f ms"
                            + "  p99=%7.2f ms  (%d transfers in %.1f s; %s)", name, clients, transfersPerSecond(),
                    calls / seconds, p50Millis, p99Millis, transfers, seconds, cpu);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = intArg(args, "--port", 18082);
        int seconds = intArg(args, "--seconds", 10);
        int pgbenchSeconds = intArg(args, "--pgbench-seconds", 15);
        PipelineCost.Report pipelineCost = PipelineCost.measure("ledger", Set.of("ledger-writer"),
                LedgerBenchmark::policyStep);
        System.out.print(pipelineCost.text());
        if (Arrays.asList(args).contains("--pipeline-cost-only")) {
            return;
        }
        ManagedChannel channel = ServiceTls.stackChannel("127.0.0.1", port);
        try {
            String tenant = StackTenants.create(Quotas.newBuilder().setRequestsPerMinute(10_000_000)
                    .setTokensPerDay(1_000_000_000_000L).setStorageBytes(1L << 40));
            awaitDefaultAccounts(tenant);
            LedgerBenchmark benchmark = new LedgerBenchmark(channel, tenant);
            int runs = Medians.runs(args, 3);
            System.out.printf(Locale.ROOT, "ledger benchmark: 127.0.0.1:%d, tenant %s, %d s per phase, %d runs%n",
                    port, benchmark.tenant, seconds, runs);
            List<String> phases = List.of(stringArg(args, "--phases", "single,single-1,100,1000").split(","));
            // Both JVMs (this client and the service) compile hot code for a while: warm up
            // every shape of call first, so the measured phases do not pay for the JIT.
            int warmUp = intArg(args, "--warm-up-seconds", 5);
            benchmark.phase("warm-up single", SINGLE_CALLERS, 1, warmUp);
            benchmark.phase("warm-up 100", 8, 100, warmUp);
            benchmark.phase("warm-up 1000", 4, 1_000, warmUp);
            Medians figures = new Medians();
            List<Double> pgbenchTps = new ArrayList<>();
            long waiting = 0;
            double drainSeconds = 0;
            for (int run = 1; run <= runs; run++) {
                System.out.printf(Locale.ROOT, "-- run %d of %d --%n", run, runs);
                // Each phase starts with the outbox drained, so it does not pay for the relay
                // work of the phase before it (it pays for its own, as in production).
                for (String phase : phases) {
                    drainOutbox();
                    Figures measured = switch (phase) {
                        case "single" -> benchmark.phase("single", SINGLE_CALLERS, 1, seconds);
                        case "single-1" -> benchmark.phase("single, 1 caller", 1, 1, seconds);
                        case "100" -> benchmark.phase("batch of 100", 8, 100, seconds);
                        case "1000" -> benchmark.phase("batch of 1000", 4, 1_000, seconds);
                        default -> throw new IllegalArgumentException("unknown phase " + phase
                                + " (single, single-1, 100, 1000)");
                    };
                    figures.add(measured.name(), measured.transfersPerSecond(), measured.p99Millis(),
                            measured.line());
                }
                waiting = outboxWaiting();
                drainSeconds = drainOutbox();
                if (pgbenchSeconds > 0) {
                    pgbenchTps.add(pgbench(pgbenchSeconds));
                }
            }
            double pgbench = median(pgbenchTps);

            System.out.println();
            System.out.println("== ledger (gRPC CreateTransfers, posted transfers, outbox event per transfer) ==");
            figures.print(System.out);
            if (!Double.isNaN(pgbench)) {
                for (String phase : List.of("single", "batch of 1000")) {
                    figures.median(phase).ifPresent(middle -> System.out.printf(Locale.ROOT,
                            "%s / pgbench TPS = %.2f%n", phase, middle.perSecond() / pgbench));
                }
            }
            benchmark.service.ifPresent(ledger -> System.out.println("ledger process: "
                    + ledger.snapshot().memory()));
            System.out.printf(Locale.ROOT, "outbox events waiting for the relay after the last phase: %d,"
                    + " published within %.1f s after it%n", waiting, drainSeconds);
            System.out.printf(Locale.ROOT, "== peer: pgbench TPC-B-like, scale 8, 8 clients, 2 threads, %d s ==%n",
                    pgbenchSeconds);
            System.out.printf(Locale.ROOT, "pgbench tps: %s, median %.0f%n", pgbenchTps.stream()
                    .map(tps -> String.format(Locale.ROOT, "%.0f", tps)).toList(), pgbench);
            System.out.print(pipelineCost.text());
        } finally {
            channel.shutdownNow();
        }
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** Waits until the ledger has heard of the new tenant (its TenantCreated event opens the default accounts). */
    private static void awaitDefaultAccounts(String tenant) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl("ledger"), "postgres",
                            FleetStack.postgresSuperuserPassword());
                    Statement statement = db.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT count(*) FROM ledger.accounts WHERE tenant_id = '"
                            + UUID.fromString(tenant) + "'")) {
                rows.next();
                if (rows.getLong(1) > 0) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ledger did not hear of tenant " + tenant + " within 60 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    /**
     * The ledger's policy step as the service builds it (allows kept {@code allowCacheMillis}),
     * asking what a CreateTransfers call asks: may the caller create transfers in its tenant.
     */
    private static PipelineCost.Admission policyStep(long allowCacheMillis) {
        PolicyConfig config = PipelineCost.policyConfig(PolicyConfig.class, allowCacheMillis);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PolicyStep step = new PolicyStep(new Authorizer(config, meters), config, meters);
        return caller -> step.admit(caller, CreateTransfers.ACTION,
                Resource.owned("transfer", "", caller.homeTenant().orElseThrow()));
    }

    /** Runs {@code clients} threads, each sending batches of {@code batchSize} for {@code seconds}. */
    private Figures phase(String name, int clients, int batchSize, int seconds) throws Exception {
        List<List<String>> accounts = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            List<String> own = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS_PER_CLIENT; i++) {
                own.add(ledger.createAccount(CreateAccountRequest.newBuilder().setId(UUID.randomUUID().toString())
                        .setCode("bench").setUnit("CREDIT").build()).getAccount().getId());
            }
            accounts.add(own);
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        ProcessUsage.Meter usage = ProcessUsage.meter(service);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long started = System.nanoTime();
        try {
            List<CompletableFuture<long[]>> runs = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                List<String> own = accounts.get(client);
                runs.add(CompletableFuture.supplyAsync(() -> run(own, batchSize, deadline), pool));
            }
            List<Long> latencies = new ArrayList<>();
            long transfers = 0;
            for (CompletableFuture<long[]> run : runs) {
                long[] callNanos = run.get(seconds + 120L, TimeUnit.SECONDS);
                for (long nanos : callNanos) {
                    latencies.add(nanos);
                }
                transfers += (long) callNanos.length * batchSize;
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            Figures figures = new Figures(name, clients, batchSize, transfers, sorted.length, elapsed,
                    percentile(sorted, 0.50), percentile(sorted, 0.99), usage.line(sorted.length, elapsed));
            System.out.println(figures.line());
            return figures;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One client: batches until the deadline; the latency of each call in nanoseconds. */
    private long[] run(List<String> accounts, int batchSize, long deadline) {
        long[] latencies = new long[1 << 16];
        int calls = 0;
        int next = 0;
        while (System.nanoTime() < deadline) {
            CreateTransfersRequest.Builder batch = CreateTransfersRequest.newBuilder();
            for (int i = 0; i < batchSize; i++, next++) {
                batch.addTransfers(NewTransfer.newBuilder()
                        .setId(UUID.randomUUID().toString())
                        .setDebitAccountId(accounts.get(next % ACCOUNTS_PER_CLIENT))
                        .setCreditAccountId(accounts.get((next + 1 + next / ACCOUNTS_PER_CLIENT % 7)
                                % ACCOUNTS_PER_CLIENT))
                        .setAmount(1 + next % 100)
                        .setKind(TransferKind.TRANSFER_KIND_POSTED)
                        .setCode("llm.tokens"));
            }
            long start = System.nanoTime();
            CreateTransfersResponse response = ledger.withDeadlineAfter(60, TimeUnit.SECONDS)
                    .createTransfers(batch.build());
            long took = System.nanoTime() - start;
            for (TransferOutcome outcome : response.getResultsList()) {
                if (outcome.getResult() != TransferResult.TRANSFER_RESULT_OK) {
                    throw new IllegalStateException("benchmark transfer failed: " + outcome);
                }
            }
            if (calls == latencies.length) {
                latencies = Arrays.copyOf(latencies, calls * 2);
            }
            latencies[calls++] = took;
        }
        return Arrays.copyOf(latencies, calls);
    }

    private static double percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** Outbox rows of the ledger database the relay has not published yet (read as the superuser). */
    private static long outboxWaiting() throws SQLException {
        try (Connection db = DriverManager.getConnection(
                        TestDatabase.jdbcUrl("ledger"), "postgres",
                        FleetStack.postgresSuperuserPassword());
                Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM ledger.outbox_events")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Waits (at most three minutes) until the relay has published every outbox event; the seconds it took. */
    private static double drainOutbox() throws SQLException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(3);
        while (outboxWaiting() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the outbox did not drain within 3 minutes: is the relay running?");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** pgbench TPC-B-like on a scratch database of the same server; its TPS. */
    private static double pgbench(int seconds) throws Exception {
        String database = "pgbench_ledger_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection admin = DriverManager.getConnection(
                        TestDatabase.jdbcUrl("postgres"), "postgres",
                        FleetStack.postgresSuperuserPassword());
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
            try {
                PostgresTools.run(List.of("pgbench", "-h", "127.0.0.1", "-p", Integer.toString(FleetStack.postgresPort()),
                        "-U", "postgres", "-i", "-s", "8", "-q", database), 300, "pgbench -i");
                String output = PostgresTools.run(List.of("pgbench", "-h", "127.0.0.1", "-p",
                        Integer.toString(FleetStack.postgresPort()), "-U", "postgres", "-c", "8", "-j", "2",
                        "-T", Integer.toString(seconds), database), seconds + 120L, "pgbench");
                Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(output);
                if (!tps.find()) {
                    throw new IllegalStateException("pgbench printed no tps:\n" + output);
                }
                System.out.println(output.lines().filter(l -> l.startsWith("latency average")
                        || l.startsWith("tps") || l.startsWith("number of transactions actually"))
                        .map(l -> "pgbench: " + l).reduce((a, b) -> a + "\n" + b).orElse(""));
                return Double.parseDouble(tps.group(1));
            } finally {
                statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
