package io.aicunet.agentstate.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.checkpoints.GetLatestCheckpoint;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceFutureStub;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.ChangeAgentStatusRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.HeartbeatRequest;
import io.aicunet.contracts.agentstate.v1.RegisterAgentRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.platform.policy.Authorizer;
import io.aicunet.platform.policy.PolicyConfig;
import io.aicunet.platform.policy.PolicyStep;
import io.aicunet.platform.policy.Resource;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.platform.testing.Medians;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.StackTenants;
import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.PipelineCost;
import io.aicunet.platform.testing.ProcessUsage;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Measures the running agent-state service (started by {@code ./fleet up}) over gRPC,
 * then Redis itself with redis-benchmark, in one run on one machine:
 * latest-checkpoint reads with a warm cache, compare-and-set writes, heartbeats, and
 * redis-benchmark GET/SET on the same Redis.
 *
 * <p>Arguments (all optional): seconds per phase [10], calls in flight [32], service
 * port [18083]. Each phase is bounded in time; the whole run takes 45 s of warm-up, then
 * three phases and redis-benchmark (a few seconds) per run, three runs.
 *
 * <p>It starts with what the request pipeline adds to a latest-checkpoint read
 * ({@link PipelineCost}: token verification and the policy step, in process);
 * {@code --pipeline-cost-only} stops there and needs only Keycloak and OPA.
 */
public final class AgentStateBenchmark {

    private static final int CHANNELS = 4;
    private static final int STATE_BYTES = 1024;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<AgentStateServiceFutureStub> stubs = new ArrayList<>();
    private final Duration phase;
    private final int inFlight;
    /** The agent-state process ./fleet up started, whose CPU per call and memory each phase reports. */
    private final Optional<ProcessUsage> service = ProcessUsage.stackService("agent-state");

    private AgentStateBenchmark(int port, Duration phase, int inFlight) {
        this.phase = phase;
        this.inFlight = inFlight;
        // A rate quota no phase reaches: the figures are the service's, not its rate limit's.
        String tenant = StackTenants.create(Quotas.newBuilder().setRequestsPerMinute(10_000_000)
                .setTokensPerDay(1_000_000_000_000L).setStorageBytes(1L << 40));
        for (int i = 0; i < CHANNELS; i++) {
            // Callbacks run on the network threads, as in grpc-java's own benchmarks: the
            // load generator shares the two cores with the service and must stay cheap.
            ManagedChannel channel = ServiceTls.channelBuilder("127.0.0.1", port, FleetStack.caCertificate())
                    .directExecutor().build();
            channels.add(channel);
            stubs.add(AgentStateServiceGrpc.newFutureStub(TestCallers.as(channel,
                    TestCallers.ofTenant(tenant, "agent-runtime"))));
        }
    }

    public static void main(String[] arguments) throws Exception {
        PipelineCost.Report pipelineCost = PipelineCost.measure("agent-state", Set.of("agent-runtime"),
                AgentStateBenchmark::policyStep);
        System.out.print(pipelineCost.text());
        if (Arrays.asList(arguments).contains("--pipeline-cost-only")) {
            return;
        }
        String[] args = Arrays.stream(arguments).filter(arg -> !arg.startsWith("--")).toArray(String[]::new);
        int seconds = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0]) : 10;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 18083;
        AgentStateBenchmark benchmark = new AgentStateBenchmark(port, Duration.ofSeconds(seconds), inFlight);
        try {
            benchmark.run(Medians.runs(arguments, 3));
            System.out.print(pipelineCost.text());
        } finally {
            benchmark.close();
        }
    }

    private void run(int runs) throws Exception {
        System.out.printf(Locale.ROOT, "agent-state benchmark: %d s per phase, %d calls in flight, %d B state, %d runs%n",
                phase.toSeconds(), inFlight, STATE_BYTES, runs);
        Agent agent = agent();
        String state = "{\"blob\": \"" + "x".repeat(STATE_BYTES - 13) + "\"}";
        String thread = UUID.randomUUID().toString();
        stub(0).saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(agent.getId()).setThreadId(thread)
                .setExpectedVersion(0).setStateJson(state).build()).get(10, TimeUnit.SECONDS);
        GetLatestCheckpointRequest read = GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(thread).build();
        // One thread per writer: each saves its thread's next version, compare-and-set on the version it saw.
        List<String> threads = new ArrayList<>();
        List<AtomicLong> versions = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            threads.add(UUID.randomUUID().toString());
            versions.add(new AtomicLong(0));
        }
        Function<Integer, ListenableFuture<?>> write = i -> {
            int writer = i % inFlight;
            long expected = versions.get(writer).getAndIncrement();
            return stub(i).saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(agent.getId())
                    .setThreadId(threads.get(writer)).setExpectedVersion(expected).setStateJson(state).build());
        };
        HeartbeatRequest beat = HeartbeatRequest.newBuilder().setAgentId(agent.getId()).build();

        // Both JVMs compile hot code for a while: every shape of call first, not reported.
        // Long enough for C2 to compile a save's path (some 10,000 saves at a cold service's
        // 300-600/s): with 5 s of saves, run 1 still climbed to half of run 3.
        measure("warm-up reads", Duration.ofSeconds(10), i -> stub(i).getLatestCheckpoint(read));
        measure("warm-up writes", Duration.ofSeconds(30), write);
        measure("warm-up heartbeats", Duration.ofSeconds(5), i -> stub(i).heartbeat(beat));
        Medians figures = new Medians();
        for (int run = 1; run <= runs; run++) {
            System.out.printf(Locale.ROOT, "-- run %d of %d --%n", run, runs);
            // Each phase's line as soon as it ends (tools/flamegraph/cpu-by-component.py tells phases by them).
            for (Phase each : List.of(
                    new Phase("latest-checkpoint reads, warm cache", i -> stub(i).getLatestCheckpoint(read)),
                    new Phase("compare-and-set checkpoint writes", write),
                    new Phase("heartbeats", i -> stub(i).heartbeat(beat)))) {
                Result result = measure(each.name(), phase, each.call());
                System.out.println(result.line());
                figures.add(result.name(), result.perSecond(), result.p99Millis(), result.line());
            }
            RedisFigures redis = redisBenchmark();
            String line = String.format(Locale.ROOT, "redis-benchmark (same Redis): GET %.0f/s, SET %.0f/s",
                    redis.getPerSecond(), redis.setPerSecond());
            System.out.println(line);
            figures.add("redis GET", redis.getPerSecond(), Double.NaN, line);
        }
        System.out.println();
        System.out.println("== results (medians) ==");
        figures.print(System.out);
        service.ifPresent(process -> System.out.println("agent-state process: " + process.snapshot().memory()));
        double ratio = figures.medianRate("latest-checkpoint reads, warm cache") / figures.medianRate("redis GET");
        System.out.printf(Locale.ROOT, "cached reads / redis GET = %.3f (goal >= 0.25: %s)%n", ratio,
                ratio >= 0.25 ? "met" : "NOT met");
        double writes = figures.medianRate("compare-and-set checkpoint writes");
        System.out.printf(Locale.ROOT, "compare-and-set writes %.0f/s (goal >= 2,000: %s)%n", writes,
                writes >= 2_000 ? "met" : "NOT met");
    }

    /**
     * agent-state's policy step as the service builds it (allows kept {@code allowCacheMillis}),
     * asking what a latest-checkpoint read asks: may the caller read a thread of its tenant.
     */
    private static PipelineCost.Admission policyStep(long allowCacheMillis) {
        PolicyConfig config = PipelineCost.policyConfig(PolicyConfig.class, allowCacheMillis);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PolicyStep step = new PolicyStep(new Authorizer(config, meters), config, meters);
        String thread = UUID.randomUUID().toString();
        return caller -> step.admit(caller, GetLatestCheckpoint.ACTION,
                Resource.owned(AgentStateAccess.THREAD, thread, caller.homeTenant().orElseThrow()));
    }

    private Agent agent() throws Exception {
        Agent agent = stub(0).registerAgent(RegisterAgentRequest.newBuilder()
                .setIdempotencyKey("bench-" + UUID.randomUUID()).setKind("benchmark").build())
                .get(10, TimeUnit.SECONDS).getAgent();
        for (AgentStatus status : List.of(AgentStatus.AGENT_STATUS_IDLE, AgentStatus.AGENT_STATUS_RUNNING)) {
            agent = stub(0).changeAgentStatus(ChangeAgentStatusRequest.newBuilder().setAgentId(agent.getId())
                    .setStatus(status).build()).get(10, TimeUnit.SECONDS).getAgent();
        }
        return agent;
    }

    private AgentStateServiceFutureStub stub(int call) {
        return stubs.get(Math.floorMod(call, CHANNELS)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /**
     * Keeps {@code inFlight} calls running for {@code duration}: each completion starts
     * the next call of its slot, so slot i always calls with writer/channel i.
     */
    private Result measure(String name, Duration duration, Function<Integer, ListenableFuture<?>> call)
            throws InterruptedException {
        Histogram latencies = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(30), 3);
        AtomicLong failures = new AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        CountDownLatch slots = new CountDownLatch(inFlight);
        ProcessUsage.Meter usage = ProcessUsage.meter(service);
        long started = System.nanoTime();
        for (int slot = 0; slot < inFlight; slot++) {
            next(slot, call, latencies, failures, deadline, slots);
        }
        if (!slots.await(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": calls did not finish in time");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Result result = new Result(name, latencies.getTotalCount() / seconds, latencies, failures.get(),
                usage.line(latencies.getTotalCount(), seconds));
        return result;
    }

    private void next(int slot, Function<Integer, ListenableFuture<?>> call, Histogram latencies,
                      AtomicLong failures, long deadline, CountDownLatch slots) {
        if (System.nanoTime() >= deadline) {
            slots.countDown();
            return;
        }
        long start = System.nanoTime();
        Futures.addCallback(call.apply(slot), new FutureCallback<Object>() {
            @Override
            public void onSuccess(Object response) {
                latencies.recordValue(System.nanoTime() - start);
                next(slot, call, latencies, failures, deadline, slots);
            }

            @Override
            public void onFailure(Throwable failure) {
                if (failures.incrementAndGet() == 1) {
                    System.err.println("first failure: " + failure);
                }
                next(slot, call, latencies, failures, deadline, slots);
            }
        }, MoreExecutors.directExecutor());
    }

    private static RedisFigures redisBenchmark() throws IOException, InterruptedException {
        // As the stack's administrator over TLS with the stack's CA, as the service talks to it.
        // redis-benchmark takes a password only as -a (not REDISCLI_AUTH): the local stack's
        // development one, so it is not printed.
        List<String> options = List.of("redis-benchmark", "-h", FleetStack.host(), "-p",
                Integer.toString(FleetStack.redisPort()), "--tls", "--cacert", FleetStack.caCertificate().toString(),
                "--user", StackRedis.ADMIN, "-t", "get,set", "-n", "100000", "-q");
        System.out.println("running: " + String.join(" ", options) + " -a <" + StackRedis.ADMIN + "'s password>");
        List<String> command = new ArrayList<>(options);
        command.addAll(List.of("-a", StackRedis.password(StackRedis.ADMIN)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("redis-benchmark failed:\n" + output);
        }
        // With -q, redis-benchmark redraws its progress with carriage returns: the final figures follow the last.
        String last = output.replace('\r', '\n');
        System.out.println(last.lines().filter(line -> line.contains("requests per second")).reduce("",
                (a, b) -> a + b + "\n").trim());
        return new RedisFigures(perSecond(last, "GET"), perSecond(last, "SET"));
    }

    private static double perSecond(String output, String test) {
        Matcher matcher = Pattern.compile("(?m)^" + test + ": ([0-9.]+) requests per second").matcher(output);
        double found = -1;
        while (matcher.find()) {
            found = Double.parseDouble(matcher.group(1));
        }
        if (found < 0) {
            throw new IllegalStateException("redis-benchmark printed no " + test + " figure:\n" + output);
        }
        return found;
    }

    private void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    /** A benchmark phase: its name and the call it repeats (the argument numbers the call). */
    private record Phase(String name, Function<Integer, ListenableFuture<?>> call) {
    }

    private record RedisFigures(double getPerSecond, double setPerSecond) {
    }

    private record Result(String name, double perSecond, Histogram latencies, long failures, String cpu) {

        String line() {
            return String.format(Locale.ROOT, "%-40s %9.0f/s  p50 %6.2f ms  p99 %6.2f ms  failures %d  (%s)", name,
                    perSecond, latencies.getValueAtPercentile(50) / 1e6, p99Millis(), failures, cpu);
        }

        double p99Millis() {
            return latencies.getValueAtPercentile(99) / 1e6;
        }
    }
}
