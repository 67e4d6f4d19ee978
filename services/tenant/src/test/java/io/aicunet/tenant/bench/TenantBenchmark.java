package io.aicunet.tenant.bench;

import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * What TLS on the services' own port costs (issue 13, docs/tls.md), a command, not a
 * test: two processes of the packaged tenant service on one database, one plaintext (the
 * dev profile as {@code ./fleet up} runs it today), one in platform/tenancy's
 * {@code service-tls} profile with a certificate of the local stack's CA. In the same run,
 * alternating between them so that the machine's other load hits both alike:
 * <ul>
 * <li>unary GetTenant calls per second as a platform administrator over one long-lived
 * channel per thread (what a service's client does), with p50/p99 latency;</li>
 * <li>a new channel per call (TCP connect, TLS handshake, HTTP/2 set-up, then the call):
 * what a client without connection reuse pays.</li>
 * </ul>
 * Arguments: {@code [seconds per phase, 8] [threads, 2] [rounds, 2]}. Needs the stack of
 * {@code ./fleet up --infra} and the packaged tenant service.
 */
public final class TenantBenchmark {

    private static final int NEW_CHANNEL_CALLS = 200;

    private TenantBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        TestDatabase database = TestDatabase.create("tenant");
        Path objectStore = Files.createTempDirectory("aicunet-objects-");
        String topicPrefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Path tls = ServiceTls.issue(Files.createTempDirectory("aicunet-bench-tls-"), ServiceTls.stackCa(),
                ServiceTls.stackCa().certificate());
        Path ca = tls.resolve("ca.crt");
        Map<String, String> plainConfig = new HashMap<>(ServiceProcess.fleetSettings(database, topicPrefix, objectStore));
        Map<String, String> tlsConfig = new HashMap<>(plainConfig);
        plainConfig.put("quarkus.profile", ServiceProcess.PROFILE); // without service-tls: the figure TLS is measured against
        tlsConfig.putAll(ServiceTls.settings(ServiceProcess.PROFILE, tls.toString()));
        try (ServiceProcess plain = ServiceProcess.start("tenant", plainConfig);
                ServiceProcess secured = ServiceProcess.start("tenant", tlsConfig)) {
            IntFunction<ManagedChannel> plainChannels = ServiceTls::plaintextChannel;
            IntFunction<ManagedChannel> tlsChannels = port -> ServiceTls.channel(port, ca);
            Map<String, String> admin = TestCallers.platformAdmin();
            String tenant;
            ManagedChannel setup = plainChannels.apply(plain.port());
            try {
                tenant = TenantServiceGrpc.newBlockingStub(TestCallers.as(setup, admin))
                        .createTenant(TenantFixtures.aTenant().build()).getTenant().getId();
            } finally {
                setup.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            GetTenantRequest request = GetTenantRequest.newBuilder().setTenantId(tenant).build();
            System.out.printf("tenant service, GetTenant as platform admin; %d s per phase, %d threads, %d rounds%n",
                    seconds, threads, rounds);
            // Warm-up: JIT, pools, OPA decisions, token verification on both processes.
            steady(plainChannels, plain.port(), admin, request, Math.max(3, seconds / 2), threads);
            steady(tlsChannels, secured.port(), admin, request, Math.max(3, seconds / 2), threads);
            List<Result> plainRuns = new ArrayList<>();
            List<Result> tlsRuns = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                plainRuns.add(steady(plainChannels, plain.port(), admin, request, seconds, threads));
                tlsRuns.add(steady(tlsChannels, secured.port(), admin, request, seconds, threads));
            }
            Result plainNew = newChannelPerCall(plainChannels, plain.port(), admin, request);
            Result tlsNew = newChannelPerCall(tlsChannels, secured.port(), admin, request);
            System.out.println();
            System.out.println("| connection | port | calls/s | p50 ms | p99 ms |");
            System.out.println("|---|---|---|---|---|");
            for (int round = 0; round < rounds; round++) {
                plainRuns.get(round).print("one channel per thread, round " + (round + 1), "plaintext");
                tlsRuns.get(round).print("one channel per thread, round " + (round + 1), "TLS");
            }
            plainNew.print("new channel per call (" + NEW_CHANNEL_CALLS + " calls)", "plaintext");
            tlsNew.print("new channel per call (" + NEW_CHANNEL_CALLS + " calls)", "TLS");
        } finally {
            database.drop();
        }
    }

    private static Result steady(IntFunction<ManagedChannel> channels, int port, Map<String, String> caller,
                                 GetTenantRequest request, int seconds, int threads) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long[][] results = new long[threads][];
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread worker = new Thread(() -> {
                ManagedChannel channel = channels.apply(port);
                long[] samples = new long[1_000_000];
                int count = 0;
                try {
                    TenantServiceGrpc.TenantServiceBlockingStub stub =
                            TenantServiceGrpc.newBlockingStub(TestCallers.as(channel, caller));
                    while (System.nanoTime() < end && count < samples.length) {
                        long before = System.nanoTime();
                        stub.withDeadlineAfter(10, TimeUnit.SECONDS).getTenant(request);
                        samples[count++] = System.nanoTime() - before;
                    }
                } finally {
                    channel.shutdownNow();
                }
                results[index] = Arrays.copyOf(samples, count);
            }, "bench-" + i);
            workers.add(worker);
            worker.start();
        }
        long total = 0;
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (long[] samples : results) {
            total += samples.length;
        }
        return Result.of(total / elapsed, Arrays.asList(results));
    }

    private static Result newChannelPerCall(IntFunction<ManagedChannel> channels, int port, Map<String, String> caller,
                                            GetTenantRequest request) throws InterruptedException {
        long[] samples = new long[NEW_CHANNEL_CALLS];
        long start = System.nanoTime();
        for (int i = 0; i < NEW_CHANNEL_CALLS; i++) {
            long before = System.nanoTime();
            ManagedChannel channel = channels.apply(port);
            Channel as = TestCallers.as(channel, caller);
            TenantServiceGrpc.newBlockingStub(as).withDeadlineAfter(10, TimeUnit.SECONDS).getTenant(request);
            samples[i] = System.nanoTime() - before;
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return Result.of(NEW_CHANNEL_CALLS / elapsed, List.of(samples));
    }

    private record Result(double perSecond, double p50Millis, double p99Millis) {

        static Result of(double perSecond, List<long[]> samples) {
            long[] all = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            if (all.length == 0) {
                return new Result(perSecond, Double.NaN, Double.NaN);
            }
            return new Result(perSecond, all[(int) Math.min(all.length - 1, Math.floor(all.length * 0.50))] / 1e6,
                    all[(int) Math.min(all.length - 1, Math.floor(all.length * 0.99))] / 1e6);
        }

        void print(String connection, String port) {
            System.out.printf("| %s | %s | %,.0f | %.2f | %.2f |%n", connection, port, perSecond, p50Millis, p99Millis);
        }
    }
}
