package io.aicunet.agentstate.limits;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.agentstate.AgentStateGrpcClient;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.GetAgentRequest;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.StackRedisClient;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.net.ServerSocket;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The request rate limit across two real replicas: the packaged application Quarkus
 * starts for this test and a second process of the same jar on another port, both on the
 * same database, Redis, OPA and tenant service.
 */
@QuarkusIntegrationTest
class RequestRateLimitIT {

    @TestHTTPResource(tls = true)
    URL first;

    /**
     * Proves: one tenant's calls through either replica take from one bucket. The tenant's
     * bucket is set to hold exactly 5 requests with its time an hour ahead of Redis' clock, so
     * it cannot refill while the test runs however slow the machine (the script refills
     * nothing until the clock passes a bucket's time): 3 calls through the first replica and 2
     * through the second pass, the next is RESOURCE_EXHAUSTED on both; then, with 5 again,
     * 16 calls sent at once, half to each replica, pass exactly 5 times.
     */
    @Test
    void bothReplicasTakeFromOneBucket() throws Exception {
        ServiceProcess second = ServiceProcess.secondReplica("agent-state", Map.of());
        AgentStateGrpcClient toFirst = new AgentStateGrpcClient(first.getPort());
        AgentStateGrpcClient toSecond = new AgentStateGrpcClient(second);
        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, StackRedisClient.options(StackRedis.ADMIN));
        try {
            String tenant = TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                            TestCallers.platformAdmin()))
                    .createTenant(TenantFixtures.aTenant().setQuotas(Quotas.newBuilder().setRequestsPerMinute(600)
                            .setTokensPerDay(100_000).setStorageBytes(1L << 30)).build())
                    .getTenant().getId();
            AgentStateServiceBlockingStub one = toFirst.as(TestCallers.ofTenant(tenant, "tenant-admin"));
            AgentStateServiceBlockingStub two = toSecond.as(TestCallers.ofTenant(tenant, "tenant-admin"));

            holdExactly(redis, tenant, 5);
            for (AgentStateServiceBlockingStub replica : List.of(one, one, one, two, two)) {
                assertThat(call(replica)).isEqualTo(Status.Code.NOT_FOUND);
            }
            assertThat(call(one)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(call(two)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

            holdExactly(redis, tenant, 5);
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Status.Code>> calls = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    AgentStateServiceBlockingStub through = i % 2 == 0 ? one : two;
                    calls.add(() -> call(through));
                }
                int passed = 0;
                for (Future<Status.Code> outcome : threads.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                    Status.Code code = outcome.get();
                    assertThat(code).isIn(Status.Code.NOT_FOUND, Status.Code.RESOURCE_EXHAUSTED);
                    passed += code == Status.Code.NOT_FOUND ? 1 : 0;
                }
                assertThat(passed).as("calls passed of 16 sent at once to two replicas").isEqualTo(5);
            } finally {
                threads.shutdownNow();
            }
        } finally {
            redis.close();
            vertx.closeAndAwait();
            toFirst.close();
            toSecond.close();
            second.close();
        }
    }

    /**
     * Proves: a replica whose Redis is a closed port still limits, alone, at
     * aicunet.limits.redis-down-share-percent (50 %) of the limit: a tenant at 4 requests a
     * minute gets exactly 2 calls through it, then RESOURCE_EXHAUSTED; its metrics count the
     * two as degraded and the Redis failure.
     */
    @Test
    void aReplicaWithoutRedisLimitsAloneAtItsShare() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ServiceProcess withoutRedis = ServiceProcess.secondReplica("agent-state",
                Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + closedPort));
        AgentStateGrpcClient client = new AgentStateGrpcClient(withoutRedis);
        try {
            String tenant = TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                            TestCallers.platformAdmin()))
                    .createTenant(TenantFixtures.aTenant().setQuotas(Quotas.newBuilder().setRequestsPerMinute(4)
                            .setTokensPerDay(100_000).setStorageBytes(1L << 30)).build())
                    .getTenant().getId();
            AgentStateServiceBlockingStub admin = client.as(TestCallers.ofTenant(tenant, "tenant-admin"));
            assertThat(call(admin)).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(call(admin)).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(call(admin)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

            HttpResponse<String> metrics = withoutRedis.httpClient().send(
                    HttpRequest.newBuilder(withoutRedis.uri("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).containsPattern("aicunet_limits_decisions_total\\{[^}]*outcome=\"degraded\"[^}]*\\} 2\\.0")
                    .containsPattern("aicunet_limits_redis_failures_total(\\{[^}]*\\})? [1-9]");
        } finally {
            client.close();
            withoutRedis.close();
        }
    }

    /** A read of an agent that does not exist: NOT_FOUND when admitted, RESOURCE_EXHAUSTED when limited. */
    private static Status.Code call(AgentStateServiceBlockingStub replica) {
        try {
            replica.getAgent(GetAgentRequest.newBuilder().setAgentId(UUID.randomUUID().toString()).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            if (codeOf(e) == Status.Code.RESOURCE_EXHAUSTED) {
                assertThat(GrpcCalls.errorInfo(e).getReason()).isEqualTo("quotas.requests_per_minute");
            }
            return codeOf(e);
        }
    }

    /** The tenant's bucket holds {@code requests} and cannot refill for an hour (its time is ahead of Redis' clock). */
    private static void holdExactly(Redis redis, String tenant, int requests) {
        Response time = send(redis, Request.cmd(Command.TIME));
        long nowMillis = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
        String key = "t:{" + tenant + "}:limits:requests";
        send(redis, Request.cmd(Command.HSET).arg(key).arg("tokens").arg(Integer.toString(requests))
                .arg("at").arg(Long.toString(nowMillis + 3_600_000)));
        send(redis, Request.cmd(Command.PEXPIRE).arg(key).arg("60000"));
    }

    private static Response send(Redis redis, Request request) {
        return redis.send(request).await().atMost(Duration.ofSeconds(5));
    }
}
