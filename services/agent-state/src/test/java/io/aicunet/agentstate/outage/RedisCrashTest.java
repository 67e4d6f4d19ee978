package io.aicunet.agentstate.outage;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.agentstate.AgentStateFixtures;
import io.aicunet.agentstate.AgentStateGrpcClient;
import io.aicunet.contracts.agentstate.v1.AckTaskRequest;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.ListDeadTasksRequest;
import io.aicunet.contracts.agentstate.v1.Task;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis killed with SIGKILL and restarted on its data directory, running with exactly
 * the local stack's persistence settings (AOF with {@code appendfsync everysec}, RDB
 * snapshots): every task whose enqueue call returned is still there, and so is the
 * consumer group's record of which tasks were handed out. Without persistence (the
 * stack's former {@code --appendonly no --save ''}) all of them were gone.
 *
 * <p>The kill comes right after the last call returned, without waiting for Redis's
 * once-a-second fsync: a killed process leaves the kernel's page cache behind, so what
 * Redis wrote to its AOF before answering survives, fsynced or not. Only a crash of the
 * host needs the fsync, and no test on this host can crash it (docs/redis-durability.md
 * states that window). The one wait: until Redis reports its AOF buffer empty, which
 * it is whenever it answers, except while it postpones a write behind a slow background
 * fsync (a documented exception that a busy CI disk could otherwise turn into a flaky
 * test).
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class RedisCrashTest {

    private static final int TASKS = 50;
    private static final int CLAIMED_BEFORE_KILL = 10;
    private static final int CLAIM_COUNT = 10;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource(tls = true)
    URL service;

    AgentStateGrpcClient client;
    String tenant;

    @BeforeEach
    void connect() {
        client = new AgentStateGrpcClient(service.getPort());
        tenant = AgentStateFixtures.aTenantId();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    /**
     * Proves: 50 tasks enqueued through the gRPC API and 10 of them claimed; Redis killed
     * with SIGKILL and restarted on the same directory; claiming again returns all 50,
     * each with its payload, the 10 handed out before the kill as second deliveries (their
     * pending entries survived) and the others as first deliveries, and nothing else.
     */
    @Test
    void acceptedTasksSurviveKillAndRestart() {
        RedisServer redis = OwnRedisResource.redis();
        assertThat(redis.settingsDifferingFromTheStack()).as("the test's Redis runs with %s", RedisServer.SETTINGS)
                .isEmpty();
        String queue = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> payloads = new LinkedHashMap<>();
        for (int n = 0; n < TASKS; n++) {
            String payload = "{\"n\": " + n + "}";
            payloads.put(enqueue(queue, payload), payload);
        }
        assertThat(payloads).as("every enqueue returned its own task id").hasSize(TASKS);
        Set<String> claimedBeforeKill = claim(queue, "worker-before", CLAIMED_BEFORE_KILL).stream().map(Task::getId)
                .collect(Collectors.toSet());
        assertThat(claimedBeforeKill).hasSize(CLAIMED_BEFORE_KILL);

        // Redis reports no AOF buffer when the AOF is off: then there is nothing to wait for.
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> "0".equals(redis.info("persistence").getOrDefault("aof_buffer_length", "0")));
        redis.kill();
        redis.start();

        // A call without side effects tells when the service talks to Redis again, so no
        // claim is lost to a call that failed on its way back.
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> runtime()
                .listDeadTasks(ListDeadTasksRequest.newBuilder().setQueue(queue).build()).getTasksCount() == 0);
        Map<String, Task> afterKill = new HashMap<>();
        // Tasks claimed before the kill come back once idle for the claim timeout (1 s in
        // tests). Each task is acknowledged at once, so none is handed out twice here.
        try {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (Task task : claim(queue, "worker-after", CLAIM_COUNT)) {
                    assertThat(afterKill.put(task.getId(), task)).as("task %s handed out again", task.getId())
                            .isNull();
                    runtime().ackTask(AckTaskRequest.newBuilder().setQueue(queue).setTaskId(task.getId())
                            .setConsumer("worker-after").build());
                }
                return afterKill.size() >= TASKS;
            });
        } catch (ConditionTimeoutException tasksMissing) {
            // The assertion below names the tasks that did not come back.
        }

        assertThat(afterKill.keySet()).as("tasks claimable after the restart")
                .containsExactlyInAnyOrderElementsOf(payloads.keySet());
        assertThat(afterKill.values()).allSatisfy(task -> {
            assertThat(task.getPayloadJson()).isEqualTo(payloads.get(task.getId()));
            assertThat(task.getDeliveries()).as("deliveries of task %s", task.getId())
                    .isEqualTo(claimedBeforeKill.contains(task.getId()) ? 2 : 1);
        });
        assertThat(claim(queue, "worker-after", CLAIM_COUNT)).as("no task appeared that was not enqueued").isEmpty();
    }

    private AgentStateServiceBlockingStub runtime() {
        return client.as(AgentStateFixtures.runtimeOf(tenant));
    }

    private String enqueue(String queue, String payload) {
        return runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson(payload).build())
                .getTaskId();
    }

    private List<Task> claim(String queue, String consumer, int count) {
        return runtime().claimTasks(ClaimTasksRequest.newBuilder().setQueue(queue).setConsumer(consumer)
                .setCount(count).build()).getTasksList();
    }
}
