package io.aicunet.agentstate.outage;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.agentstate.AgentStateFixtures;
import io.aicunet.agentstate.AgentStateGrpcClient;
import io.aicunet.agentstate.application.checkpoints.CheckpointCaching;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.HeartbeatRequest;
import io.aicunet.contracts.agentstate.v1.ListCheckpointsRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis taken away: stopped and restarted without its data (lost with its disk), and
 * cut off by a network partition while it keeps its data. Checkpoints stay readable and
 * writable through PostgreSQL, heartbeats, leases and tasks answer UNAVAILABLE, nothing
 * committed is lost, and the cache never serves a version older than one whose write
 * succeeded. (RedisCrashTest: Redis killed and restarted with its data.)
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class RedisOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource(tls = true)
    URL service;

    @Inject
    CheckpointCaching caching;

    AgentStateGrpcClient client;
    String tenant;

    @BeforeEach
    void connect() {
        client = new AgentStateGrpcClient(service.getPort());
        tenant = AgentStateFixtures.aTenantId();
        Awaitility.await().atMost(WAIT).until(caching::trusted);
    }

    @AfterEach
    void disconnect() {
        OwnRedisResource.proxy().heal();
        client.close();
    }

    /**
     * Proves: with Redis stopped a save succeeds and is read back from PostgreSQL, the
     * history is complete, heartbeats, lease claims and task calls are UNAVAILABLE; after
     * Redis restarts empty they work again, the cache is trusted again and serves the
     * newest version, and a new save is cached.
     */
    @Test
    void redisStoppedAndRestarted() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        assertThat(latest(agent, first).getVersion()).isEqualTo(1);
        runtime().heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent.getId()).build());

        OwnRedisResource.redis().stopAndDeleteData();
        try {
            runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(1).setStateJson("{\"step\": 2}").build());
            assertThat(latest(agent, first).getStateJson()).isEqualTo("{\"step\": 2}");
            assertThat(runtime().listCheckpoints(ListCheckpointsRequest.newBuilder().setAgentId(agent.getId())
                    .setThreadId(first.getThreadId()).build()).getCheckpointsCount()).isEqualTo(2);
            assertUnavailable(() -> runtime().heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent.getId())
                    .build()));
            assertUnavailable(() -> runtime().claimLease(ClaimLeaseRequest.newBuilder().setAgentId(agent.getId())
                    .setWorkerId("w").build()));
            assertUnavailable(() -> runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue("q")
                    .setPayloadJson("{}").build()));
            assertUnavailable(() -> runtime().claimTasks(ClaimTasksRequest.newBuilder().setQueue("q")
                    .setConsumer("w").build()));
            assertThat(caching.trusted()).isFalse();
        } finally {
            OwnRedisResource.redis().start();
        }

        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() ->
                runtime().heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent.getId()).build())
                        .getLostAfterMillis() > 0);
        Awaitility.await().atMost(WAIT).until(caching::trusted);
        assertThat(latest(agent, first).getStateJson()).isEqualTo("{\"step\": 2}");
        runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(2).setStateJson("{\"step\": 3}").build());
        assertThat(latest(agent, first).getStateJson()).isEqualTo("{\"step\": 3}");
        String key = "t:{" + tenant + "}:agent-state:thread:" + first.getThreadId() + ":latest";
        assertThat(OwnRedisResource.redis().command("HGET", key, "version")).isEqualTo("3");
        assertThat(runtime().claimLease(ClaimLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("w")
                .build()).getFencingToken()).isEqualTo(1);
    }

    /**
     * Proves: when the service is cut off from a Redis that keeps the cached version 1, a
     * save of version 2 succeeds; while cut off and after the partition heals every read
     * returns version 2, never the version 1 Redis still holds, until the repair job has
     * deleted the stale entry and the cache is trusted (and filled) again.
     */
    @Test
    void partitionWithRetainedDataNeverServesStale() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        assertThat(latest(agent, first).getVersion()).isEqualTo(1);
        String key = "t:{" + tenant + "}:agent-state:thread:" + first.getThreadId() + ":latest";
        assertThat(OwnRedisResource.redis().command("HGET", key, "version")).isEqualTo("1");

        OwnRedisResource.proxy().cut();
        runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(1).setStateJson("{\"step\": 2}").build());
        assertThat(latest(agent, first).getVersion()).isEqualTo(2);
        assertThat(OwnRedisResource.redis().command("HGET", key, "version")).as("Redis kept the old entry")
                .isEqualTo("1");
        assertThat(OwnRedisResource.redis().command("HGET", key, "fence")).as("and no fence reached it")
                .isEqualTo("1");

        OwnRedisResource.proxy().heal();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(latest(agent, first).getVersion()).as("never the stale version").isEqualTo(2);
            return caching.trusted();
        });
        assertThat(latest(agent, first).getVersion()).isEqualTo(2);
        Awaitility.await().atMost(WAIT).until(() -> "2".equals(OwnRedisResource.redis()
                .command("HGET", key, "version")) || latestPopulates(agent, first, key));
        assertThat(latest(agent, first).getStateJson()).isEqualTo("{\"step\": 2}");
    }

    private boolean latestPopulates(Agent agent, SaveCheckpointRequest first, String key) {
        latest(agent, first);
        return "2".equals(OwnRedisResource.redis().command("HGET", key, "version"));
    }

    private AgentStateServiceBlockingStub runtime() {
        return client.as(AgentStateFixtures.runtimeOf(tenant));
    }

    private io.aicunet.contracts.agentstate.v1.Checkpoint latest(Agent agent, SaveCheckpointRequest first) {
        return runtime().getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(first.getThreadId()).build()).getCheckpoint();
    }

    private static void assertUnavailable(Runnable call) {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(failure).as("the call must fail").isNotNull();
        assertThat(codeOf(failure)).isEqualTo(Status.Code.UNAVAILABLE);
    }
}
