package io.aicunet.agentstate.limits;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.aicunet.agentstate.AgentStateFixtures;
import io.aicunet.agentstate.AgentStateGrpcClient;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.GetAgentRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.contracts.tenant.v1.UpdateTenantRequest;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request rate limit of platform/limits in a running service: agent-state, with the
 * local stack's OPA and Redis and the real tenant service holding each test tenant's
 * requests_per_minute.
 */
@QuarkusTest
class RequestRateLimitTest {

    @TestHTTPResource(tls = true)
    URL service;

    @Inject
    Redis redis;

    private AgentStateGrpcClient client;

    @BeforeEach
    void connect() {
        client = new AgentStateGrpcClient(service.getPort());
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    /**
     * Proves: a tenant at 5 requests a minute gets exactly 5 calls (its burst); the 6th is
     * RESOURCE_EXHAUSTED with ErrorInfo quotas.requests_per_minute (bound 5) and RetryInfo
     * (at most 12 s, one request's refill), and did nothing (the checkpoint it would have saved
     * does not exist); over REST the same tenant gets 429 problem+json with the limit and
     * Retry-After. A minute's refill (the bucket's time moved back in Redis, as a passing
     * minute would) lets calls through again.
     */
    @Test
    void exactlyTheBurstPassesThenResourceExhaustedAndNothingIsDone() {
        String tenant = tenantWith(5);
        AgentStateServiceBlockingStub admin = client.as(TestCallers.ofTenant(tenant, "tenant-admin"));
        Agent agent = admin.registerAgent(AgentStateFixtures.anAgent().build()).getAgent();
        admin.saveCheckpoint(AgentStateFixtures.aFirstCheckpoint(agent.getId()).build());
        for (int i = 0; i < 3; i++) {
            admin.getAgent(GetAgentRequest.newBuilder().setAgentId(agent.getId()).build());
        }
        String refusedThread = UUID.randomUUID().toString();
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> admin.saveCheckpoint(
                AgentStateFixtures.aFirstCheckpoint(agent.getId()).setThreadId(refusedThread).build()));

        assertThat(codeOf(refused)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        ErrorInfo info = GrpcCalls.errorInfo(refused);
        assertThat(info.getReason()).isEqualTo("quotas.requests_per_minute");
        assertThat(info.getMetadataMap()).containsEntry("bound", "5");
        RetryInfo retry = GrpcCalls.detail(refused, RetryInfo.class);
        long retryMillis = retry.getRetryDelay().getSeconds() * 1000 + retry.getRetryDelay().getNanos() / 1_000_000;
        assertThat(retryMillis).as("at most one request's refill at 5 a minute").isBetween(1L, 12_000L);

        given().headers(TestCallers.ofTenant(tenant, "tenant-admin"))
                .get(service.toString() + "v1/agents/" + agent.getId())
                .then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("limit", equalTo("quotas.requests_per_minute"))
                .body("bound", equalTo(5));

        refill(tenant);
        StatusRuntimeException nothingSaved = catchThrowableOfType(StatusRuntimeException.class,
                () -> admin.getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                        .setThreadId(refusedThread).build()));
        assertThat(codeOf(nothingSaved)).isEqualTo(Status.Code.NOT_FOUND);
    }

    /**
     * Proves: a lower or higher requests_per_minute set through the tenant service applies
     * within the quota cache time (5 s, awaited with a bound): a tenant at 2 is refused after
     * two calls, and once its quota is 600 its calls pass again.
     */
    @Test
    void aQuotaChangeThroughTheTenantServiceApplies() {
        String tenant = tenantWith(2);
        AgentStateServiceBlockingStub admin = client.as(TestCallers.ofTenant(tenant, "tenant-admin"));
        GetAgentRequest unknown = GetAgentRequest.newBuilder().setAgentId(UUID.randomUUID().toString()).build();
        for (int i = 0; i < 2; i++) {
            assertThat(codeOf(catchThrowableOfType(StatusRuntimeException.class, () -> admin.getAgent(unknown))))
                    .isEqualTo(Status.Code.NOT_FOUND);
        }
        assertThat(codeOf(catchThrowableOfType(StatusRuntimeException.class, () -> admin.getAgent(unknown))))
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        tenants().updateTenant(UpdateTenantRequest.newBuilder().setTenantId(tenant)
                .setQuotas(quotas(600)).build());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(codeOf(catchThrowableOfType(StatusRuntimeException.class, () -> admin.getAgent(unknown))))
                        .isEqualTo(Status.Code.NOT_FOUND));
    }

    /**
     * Proves: a tenant at 0 requests a minute is refused every call of its people and its
     * agent runtimes (bound 0), in agent-state and in the tenant service (a rename), while
     * the read the policy leaves unmetered (its own tenant, from the tenant service) and the
     * fleet's own services acting on it still pass.
     */
    @Test
    void atZeroRequestsAMinuteOnlyTheUnmeteredReadsAndTheFleetPass() {
        String tenant = tenantWith(0);
        for (String role : new String[] {"tenant-admin", "agent-runtime"}) {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> client.as(TestCallers.ofTenant(tenant, role)).getAgent(
                            GetAgentRequest.newBuilder().setAgentId(UUID.randomUUID().toString()).build()));
            assertThat(codeOf(refused)).as(role).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(GrpcCalls.errorInfo(refused).getMetadataMap()).containsEntry("bound", "0");
        }

        StatusRuntimeException rename = catchThrowableOfType(StatusRuntimeException.class,
                () -> TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                        TestCallers.ofTenant(tenant, "tenant-admin"))).updateTenant(UpdateTenantRequest.newBuilder()
                        .setTenantId(tenant).setDisplayName("renamed at zero").build()));
        assertThat(codeOf(rename)).as("the tenant service limits too").isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        GetTenantRequest read = GetTenantRequest.newBuilder().setTenantId(tenant).build();
        for (int i = 0; i < 3; i++) {
            assertThat(TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                    TestCallers.ofTenant(tenant, "tenant-viewer"))).getTenant(read).getTenant().getId()).isEqualTo(tenant);
            assertThat(TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                    TestCallers.service("ledger", tenant))).getTenant(read).getTenant().getQuotas()
                    .getRequestsPerMinute()).isZero();
        }
    }

    private static String tenantWith(long requestsPerMinute) {
        return tenants().createTenant(TenantFixtures.aTenant().setQuotas(quotas(requestsPerMinute)).build())
                .getTenant().getId();
    }

    private static Quotas quotas(long requestsPerMinute) {
        return Quotas.newBuilder().setRequestsPerMinute(requestsPerMinute).setTokensPerDay(100_000)
                .setStorageBytes(1L << 30).build();
    }

    private static TenantServiceGrpc.TenantServiceBlockingStub tenants() {
        return TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                TestCallers.platformAdmin()));
    }

    /** Moves the tenant's bucket a minute back in time, as a minute passing would: a full bucket. */
    private void refill(String tenant) {
        String key = "t:{" + tenant + "}:limits:requests";
        String at = redis.send(Request.cmd(Command.HGET).arg(key).arg("at")).await().atMost(Duration.ofSeconds(5))
                .toString();
        redis.send(Request.cmd(Command.HSET).arg(key).arg("at").arg(Long.toString(Long.parseLong(at) - 60_000)))
                .await().atMost(Duration.ofSeconds(5));
    }

}
