package io.aicunet.config.bench;

import io.aicunet.platform.testing.Medians;
import io.aicunet.platform.testing.ProcessUsage;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.TestCallers;

import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.aicunet.contracts.config.v1.CreateNamespaceRequest;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.contracts.config.v1.PutEntryRequest;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.ScopeKind;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.contracts.config.v1.WatchResponse;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The config service's benchmark, a command (not a test), against the service that
 * {@code ./fleet up} started: effective-config reads per second with p50/p99 (warm
 * cache), writes per second, and watch propagation p50/p99 (write sent, hence before
 * its commit, until the watcher has it: an upper bound of commit-to-watcher; the write's
 * own call beside it, sent to answered). When an
 * etcd binary is there ({@code ETCD_BIN}, else {@code ~/go/bin/etcd} or
 * {@code /tmp/config-etcd/etcd}), it starts one on free loopback ports and measures its
 * get (a prefix range of as many keys), put and watch the same way, through etcd's
 * HTTP/JSON gateway (the one client the JDK has for it; a gRPC client would be faster).
 *
 * <p>Writes are measured from 2 callers and from 64 concurrent callers (the service
 * writes concurrent calls of one scope in one transaction: docs/group-commit.md), etcd's
 * puts the same way. Everything runs three times ({@code --runs N}) and the median run of
 * each figure is printed last, with config's over etcd's.
 *
 * <p>Arguments: {@code [host:port] [seconds per phase] [--runs N]}, default
 * {@code 127.0.0.1:18085 8 --runs 3}. Every loop is bounded in count and time and talks
 * to 127.0.0.1 only.
 */
public final class ConfigBenchmark {

    /** One reader: on two cores shared by client and server, more threads measure the scheduler, not the read. */
    private static final int READ_THREADS = 1;
    private static final int WARM_UP_READS = 3_000;
    private static final int WRITE_THREADS = 2;
    /** Concurrent writers: many agents' runtimes writing their settings at once. */
    private static final int MANY_WRITERS = 64;
    private static final int PROPAGATION_ROUNDS = 300;
    private static final int OPERATIONS_MAX = 2_000_000;
    private static final String SERVICE = "agent-state";

    private ConfigBenchmark() {
    }

    public static void main(String[] arguments) throws Exception {
        int runs = Medians.runs(arguments, 3);
        String[] args = positional(arguments);
        String target = args.length > 0 ? args[0] : "127.0.0.1:18085";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Duration phase = Duration.ofSeconds(seconds);
        String host = target.substring(0, target.indexOf(':'));
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            throw new IllegalArgumentException("the benchmark only targets this machine (127.0.0.1)");
        }
        int port = Integer.parseInt(target.substring(target.indexOf(':') + 1));
        System.out.printf(Locale.ROOT, "config benchmark against %s, %d s per phase, %d runs, %d cores%n", target,
                seconds, runs, Runtime.getRuntime().availableProcessors());
        // The service compiles a read's and a write's path for longer than a few thousand calls
        // take: on two shared cores, C2 was still half of config's CPU in run 2 without this.
        System.out.println("-- warm-up: one run of every phase, not counted --");
        ManagedChannel warmUp = ServiceTls.stackChannel(host, port);
        try {
            runConfig(warmUp, phase, new Medians());
        } finally {
            warmUp.shutdownNow();
        }
        Medians figures = new Medians();
        for (int run = 1; run <= runs; run++) {
            System.out.printf(Locale.ROOT, "-- run %d of %d --%n", run, runs);
            ManagedChannel channel = ServiceTls.stackChannel(host, port);
            try {
                runConfig(channel, phase, figures);
            } finally {
                channel.shutdownNow();
            }
            runEtcd(phase, figures);
        }
        System.out.println();
        System.out.println("== medians ==");
        figures.print(System.out);
        for (String[] pair : new String[][] {{"config write, 2 callers", "etcd put, 2 callers"},
                {"config write, 64 callers", "etcd put, 64 callers"}}) {
            System.out.printf(Locale.ROOT, "%s / %s = %.2f (goal >= 1)%n", pair[0], pair[1],
                    figures.medianRate(pair[0]) / figures.medianRate(pair[1]));
        }
    }

    /** The arguments that are not {@code --name value} options. */
    private static String[] positional(String[] arguments) {
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < arguments.length; i++) {
            if (arguments[i].startsWith("--")) {
                i++;
            } else {
                positional.add(arguments[i]);
            }
        }
        return positional.toArray(String[]::new);
    }

    private static void runConfig(ManagedChannel channel, Duration phase, Medians figures) throws Exception {
        Channel admin = TestCallers.as(channel, TestCallers.headers("platform", "bench@aicunet.io",
                java.util.Set.of("platform-admin")));
        Channel reader = TestCallers.as(channel, TestCallers.service("agent-state", "platform"));
        ConfigServiceBlockingStub adminStub = ConfigServiceGrpc.newBlockingStub(admin);
        String namespace = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".routing";
        String tenant = UUID.randomUUID().toString();
        adminStub.createNamespace(CreateNamespaceRequest.newBuilder().setNamespace(namespace)
                .setDescription("benchmark").build());
        // 32 entries reach the reader: 20 global, 5 service, 5 tenant, 2 tenant+service.
        for (int i = 0; i < 20; i++) {
            put(adminStub, namespace, "key-" + i, scope(ScopeKind.SCOPE_KIND_GLOBAL, "", ""), "{\"n\": " + i + "}");
        }
        for (int i = 0; i < 5; i++) {
            put(adminStub, namespace, "key-" + i, scope(ScopeKind.SCOPE_KIND_SERVICE, "", SERVICE), "\"service\"");
            put(adminStub, namespace, "key-" + (5 + i), scope(ScopeKind.SCOPE_KIND_TENANT, tenant, ""), "\"tenant\"");
        }
        for (int i = 0; i < 2; i++) {
            put(adminStub, namespace, "key-" + i, scope(ScopeKind.SCOPE_KIND_TENANT_SERVICE, tenant, SERVICE), "true");
        }
        GetEffectiveConfigRequest read = GetEffectiveConfigRequest.newBuilder().setTenantId(tenant).setService(SERVICE)
                .addNamespaces(namespace).build();
        ConfigServiceBlockingStub readerStub = ConfigServiceGrpc.newBlockingStub(reader);
        int values = readerStub.getEffectiveConfig(read).getValuesCount();
        for (int i = 0; i < WARM_UP_READS; i++) {
            readerStub.withDeadlineAfter(5, TimeUnit.SECONDS).getEffectiveConfig(read);
        }
        Optional<ProcessUsage> config = ProcessUsage.stackService("config");
        Result reads = load(READ_THREADS, phase, config, () -> {
            long start = System.nanoTime();
            readerStub.withDeadlineAfter(5, TimeUnit.SECONDS).getEffectiveConfig(read);
            return System.nanoTime() - start;
        });
        String readLine = String.format(Locale.ROOT,
                "config  effective read (%d values merged from 32 entries, warm cache, %d threads): %s", values,
                READ_THREADS, reads);
        figures.add("config effective read", reads.perSecond(), reads.p99Millis(), readLine);
        System.out.println(readLine);

        int[] counter = {0};
        for (int writers : new int[] {WRITE_THREADS, MANY_WRITERS}) {
            Result writes = load(writers, phase, config, () -> {
                int n;
                synchronized (counter) {
                    n = counter[0]++;
                }
                long start = System.nanoTime();
                put(adminStub, namespace, "write-" + (n % 64), scope(ScopeKind.SCOPE_KIND_GLOBAL, "", ""),
                        Integer.toString(n));
                return System.nanoTime() - start;
            });
            String line = String.format(Locale.ROOT, "config  write (PutEntry, global scope, %d threads): %s", writers,
                    writes);
            figures.add("config write, " + writers + " callers", writes.perSecond(), writes.p99Millis(), line);
            System.out.println(line);
        }
        config.ifPresent(process -> System.out.println("config  process: " + process.snapshot().memory()));

        Propagation measured = propagation(reader, adminStub, namespace, tenant);
        long[] propagation = measured.arrivals();
        String watch = String.format(Locale.ROOT, "config  watch propagation (write sent -> watcher has it, %d"
                        + " writes one at a time): p50 %.2f ms, p99 %.2f ms, max %.2f ms; of it the write itself"
                        + " (sent -> answered): p50 %.2f ms, p99 %.2f ms", PROPAGATION_ROUNDS,
                millis(percentile(propagation, 50)), millis(percentile(propagation, 99)),
                millis(propagation[propagation.length - 1]), millis(percentile(measured.writes(), 50)),
                millis(percentile(measured.writes(), 99)));
        // A latency: the median run is the one of the median p99 (its "rate" is 1/p99).
        figures.add("config watch propagation", 1000 / millis(percentile(propagation, 99)),
                millis(percentile(propagation, 99)), watch);
        System.out.println(watch);
    }

    /** Each watched write's time until the watcher had it, and until its own call was answered; both sorted. */
    private record Propagation(long[] arrivals, long[] writes) {
    }

    private static Propagation propagation(Channel reader, ConfigServiceBlockingStub admin, String namespace,
                                           String tenant) throws InterruptedException {
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        BlockingQueue<Long> revisions = new LinkedBlockingQueue<>();
        Context.CancellableContext context = Context.current().withCancellation();
        long head = ConfigServiceGrpc.newBlockingStub(reader).getEffectiveConfig(GetEffectiveConfigRequest.newBuilder()
                .setTenantId(tenant).setService(SERVICE).addNamespaces(namespace).build()).getRevision();
        context.run(() -> ConfigServiceGrpc.newStub(reader).watch(WatchRequest.newBuilder().setAfterRevision(head)
                .setTenantId(tenant).setService(SERVICE).addNamespaces(namespace).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(WatchResponse response) {
                        long now = System.nanoTime();
                        response.getChangesList().forEach(change -> {
                            arrivals.add(now);
                            revisions.add(change.getRevision());
                        });
                    }

                    @Override
                    public void onError(Throwable failure) {
                        // The benchmark hangs up at the end (CANCELLED); anything else is worth a line.
                        if (io.grpc.Status.fromThrowable(failure).getCode() != io.grpc.Status.Code.CANCELLED) {
                            System.out.println("watch failed: " + failure);
                        }
                    }

                    @Override
                    public void onCompleted() {
                    }
                }));
        try {
            long[] latencies = new long[PROPAGATION_ROUNDS];
            long[] writes = new long[PROPAGATION_ROUNDS];
            for (int i = 0; i < PROPAGATION_ROUNDS; i++) {
                long sent = System.nanoTime();
                long revision = put(admin, namespace, "watched", scope(ScopeKind.SCOPE_KIND_TENANT, tenant, ""),
                        Integer.toString(i));
                writes[i] = System.nanoTime() - sent;
                Long arrived = arrivals.poll(10, TimeUnit.SECONDS);
                Long seen = revisions.poll(1, TimeUnit.SECONDS);
                if (arrived == null || seen == null || seen != revision) {
                    throw new IllegalStateException("the watcher did not get revision " + revision + " (got " + seen + ")");
                }
                latencies[i] = arrived - sent;
            }
            Arrays.sort(latencies);
            Arrays.sort(writes);
            return new Propagation(latencies, writes);
        } finally {
            context.cancel(null);
        }
    }

    private static void runEtcd(Duration phase, Medians figures) throws Exception {
        Path binary = etcdBinary();
        if (binary == null) {
            System.out.println("etcd    not measured: no etcd binary (set ETCD_BIN, or see docs/BENCHMARKS.md for the build)");
            return;
        }
        int clientPort = freePort();
        int peerPort = freePort();
        Path data = Files.createTempDirectory("config-bench-etcd");
        Process etcd = new ProcessBuilder(binary.toString(), "--name", "bench", "--data-dir", data.toString(),
                "--listen-client-urls", "http://127.0.0.1:" + clientPort,
                "--advertise-client-urls", "http://127.0.0.1:" + clientPort,
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", "bench=http://127.0.0.1:" + peerPort,
                "--log-level", "error")
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("etcd.log").toFile())
                .start();
        try {
            String base = "http://127.0.0.1:" + clientPort;
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            waitHealthy(http, base);
            String version = get(http, base + "/version");
            System.out.println("etcd    " + version + " on 127.0.0.1:" + clientPort + " (HTTP/JSON gateway)");
            String prefix = "/bench/" + UUID.randomUUID().toString().substring(0, 8) + "/";
            for (int i = 0; i < 32; i++) {
                etcdPut(http, base, prefix + "key-" + i, "{\"n\": " + i + "}");
            }
            String range = "{\"key\":\"" + b64(prefix) + "\",\"range_end\":\"" + b64(prefixEnd(prefix)) + "\"}";
            for (int i = 0; i < WARM_UP_READS; i++) {
                post(http, base + "/v3/kv/range", range);
            }
            Optional<ProcessUsage> server = Optional.of(new ProcessUsage(etcd.pid(), "etcd"));
            Result reads = load(READ_THREADS, phase, server, () -> {
                long start = System.nanoTime();
                post(http, base + "/v3/kv/range", range);
                return System.nanoTime() - start;
            });
            String readLine = String.format(Locale.ROOT, "etcd    get (range of the same 32 keys,"
                    + " serializable=false, %d threads): %s", READ_THREADS, reads);
            figures.add("etcd get", reads.perSecond(), reads.p99Millis(), readLine);
            System.out.println(readLine);
            int[] counter = {0};
            for (int writers : new int[] {WRITE_THREADS, MANY_WRITERS}) {
                Result writes = load(writers, phase, server, () -> {
                    int n;
                    synchronized (counter) {
                        n = counter[0]++;
                    }
                    long start = System.nanoTime();
                    etcdPut(http, base, prefix + "write-" + (n % 64), Integer.toString(n));
                    return System.nanoTime() - start;
                });
                String line = String.format(Locale.ROOT, "etcd    put (%d threads): %s", writers, writes);
                figures.add("etcd put, " + writers + " callers", writes.perSecond(), writes.p99Millis(), line);
                System.out.println(line);
            }
            System.out.println("etcd    process: " + server.get().snapshot().memory());
            long[] propagation = etcdPropagation(http, base, prefix + "watched");
            String watch = String.format(Locale.ROOT, "etcd    watch propagation (put sent -> watcher has it, %d puts"
                            + " one at a time): p50 %.2f ms, p99 %.2f ms, max %.2f ms", PROPAGATION_ROUNDS,
                    millis(percentile(propagation, 50)), millis(percentile(propagation, 99)),
                    millis(propagation[propagation.length - 1]));
            figures.add("etcd watch propagation", 1000 / millis(percentile(propagation, 99)),
                    millis(percentile(propagation, 99)), watch);
            System.out.println(watch);
        } finally {
            etcd.destroy();
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly();
            }
            deleteTree(data);
        }
    }

    private static long[] etcdPropagation(HttpClient http, String base, String key) throws Exception {
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        java.util.concurrent.CountDownLatch created = new java.util.concurrent.CountDownLatch(1);
        java.net.URL url = URI.create(base + "/v3/watch").toURL();
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) url.openConnection();
        connection.setDoOutput(true);
        connection.setRequestMethod("POST");
        connection.setReadTimeout(30_000);
        connection.getOutputStream().write(("{\"create_request\":{\"key\":\"" + b64(key) + "\"}}")
                .getBytes(StandardCharsets.UTF_8));
        Thread watcher = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.contains("\"created\":true")) {
                        created.countDown();
                    }
                    if (line.contains("\"events\"")) {
                        arrivals.add(System.nanoTime());
                    }
                }
            } catch (IOException ended) {
                // the benchmark hung up
            }
        }, "etcd-watch");
        watcher.setDaemon(true);
        watcher.start();
        try {
            // The watch is live once etcd says it was created and a first put arrives.
            if (!created.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the etcd watch was not created");
            }
            etcdPut(http, base, key, "\"warm\"");
            if (arrivals.poll(10, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("the etcd watch did not start");
            }
            long[] latencies = new long[PROPAGATION_ROUNDS];
            for (int i = 0; i < PROPAGATION_ROUNDS; i++) {
                long sent = System.nanoTime();
                etcdPut(http, base, key, Integer.toString(i));
                Long arrived = arrivals.poll(10, TimeUnit.SECONDS);
                if (arrived == null) {
                    throw new IllegalStateException("the etcd watcher missed put " + i);
                }
                latencies[i] = arrived - sent;
            }
            Arrays.sort(latencies);
            return latencies;
        } finally {
            connection.disconnect();
        }
    }

    /**
     * Runs the operation on {@code threads} threads for {@code phase}; each call returns its
     * latency. {@code server}'s CPU per call (config's, or etcd's) is reported with it.
     */
    private static Result load(int threads, Duration phase, Optional<ProcessUsage> server, LongSupplier operation)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ProcessUsage.Meter usage = ProcessUsage.meter(server);
        long deadline = System.nanoTime() + phase.toNanos();
        long started = System.nanoTime();
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    long[] latencies = new long[OPERATIONS_MAX / threads];
                    int count = 0;
                    while (System.nanoTime() < deadline && count < latencies.length) {
                        latencies[count++] = operation.getAsLong();
                    }
                    return Arrays.copyOf(latencies, count);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> future : futures) {
                all.add(future.get(phase.toSeconds() + 60, TimeUnit.SECONDS));
            }
            long elapsed = System.nanoTime() - started;
            long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(merged.length, elapsed, merged, usage.line(merged.length, elapsed / 1e9));
        } finally {
            pool.shutdownNow();
        }
    }

    private record Result(int count, long elapsedNanos, long[] sortedLatencies, String cpu) {

        double perSecond() {
            return count / (elapsedNanos / 1e9);
        }

        double p99Millis() {
            return millis(percentile(sortedLatencies, 99));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d ops in %.1f s = %.0f/s, p50 %.2f ms, p99 %.2f ms (%s)", count,
                    elapsedNanos / 1e9, count / (elapsedNanos / 1e9), millis(percentile(sortedLatencies, 50)),
                    millis(percentile(sortedLatencies, 99)), cpu);
        }
    }

    private static long put(ConfigServiceBlockingStub stub, String namespace, String key, Scope scope, String json) {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).putEntry(PutEntryRequest.newBuilder()
                .setNamespace(namespace).setKey(key).setScope(scope).setValueJson(json).setReason("benchmark")
                .build()).getEntry().getRevision();
    }

    private static Scope scope(ScopeKind kind, String tenant, String service) {
        return Scope.newBuilder().setKind(kind).setTenantId(tenant).setService(service).build();
    }


    private static Path etcdBinary() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("ETCD_BIN");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.add(System.getProperty("user.home") + "/go/bin/etcd");
        candidates.add("/tmp/config-etcd/etcd");
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static void waitHealthy(HttpClient http, String base) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (get(http, base + "/health").contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // starting
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("etcd did not become healthy in 30 s");
    }

    private static void etcdPut(HttpClient http, String base, String key, String value) {
        post(http, base + "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
    }

    private static String get(HttpClient http, String url) {
        return send(http, HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    private static String post(HttpClient http, String url, String body) {
        return send(http, HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String send(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The end of a prefix range: the prefix with its last byte incremented. */
    private static String prefixEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
