package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static io.aicunet.platform.testing.GrpcCalls.preconditionType;
import static io.aicunet.platform.testing.GrpcCalls.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.contracts.agentstate.v1.AckTaskRequest;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.ChangeAgentStatusRequest;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseResponse;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.DeadTask;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.FailTaskRequest;
import io.aicunet.contracts.agentstate.v1.GetAgentRequest;
import io.aicunet.contracts.agentstate.v1.ListDeadTasksRequest;
import io.aicunet.contracts.agentstate.v1.ReleaseLeaseRequest;
import io.aicunet.contracts.agentstate.v1.RenewLeaseRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.Task;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Leases with fencing tokens and task queues on Redis streams (claim timeout 1 s and
 * three deliveries at most, in tests), including a worker that dies holding both.
 */
@QuarkusTest
class LeaseAndTaskTest extends GrpcTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * Proves: a claim returns token 1 and blocks other workers (LEASE_HELD); the holder
     * renews and releases; after release another worker's claim gets a larger token, and
     * the old holder can neither renew nor write with its stale token.
     */
    @Test
    void leaseTokensOnlyGrow() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        ClaimLeaseResponse first = claim(agent, "worker-a", 10_000);
        assertThat(first.getFencingToken()).isEqualTo(1);
        assertThat(RedisProbe.pttl(RedisProbe.prefix(tenant) + "agent:" + agent.getId() + ":lease"))
                .isPositive().isLessThanOrEqualTo(10_000);
        StatusRuntimeException held = catchThrowableOfType(StatusRuntimeException.class,
                () -> claim(agent, "worker-b", 10_000));
        assertThat(preconditionType(held)).isEqualTo("LEASE_HELD");

        runtime().renewLease(RenewLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("worker-a")
                .setFencingToken(1).setTtlMillis(10_000).build());
        runtime().releaseLease(ReleaseLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("worker-a")
                .setFencingToken(1).build());
        ClaimLeaseResponse second = claim(agent, "worker-b", 10_000);
        assertThat(second.getFencingToken()).isEqualTo(2);
        assertThat(runtime().getAgent(GetAgentRequest.newBuilder().setAgentId(agent.getId()).build())
                .getAgent().getOwner()).isEqualTo("worker-b");

        StatusRuntimeException renewLost = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .renewLease(RenewLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("worker-a")
                        .setFencingToken(1).build()));
        assertThat(preconditionType(renewLost)).isEqualTo("LEASE_NOT_HELD");
        StatusRuntimeException staleStatus = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .changeAgentStatus(ChangeAgentStatusRequest.newBuilder().setAgentId(agent.getId())
                        .setStatus(AgentStatus.AGENT_STATUS_PAUSED).setFencingToken(1).build()));
        assertThat(preconditionType(staleStatus)).isEqualTo("STALE_FENCING_TOKEN");
        assertThat(runtime().changeAgentStatus(ChangeAgentStatusRequest.newBuilder().setAgentId(agent.getId())
                .setStatus(AgentStatus.AGENT_STATUS_PAUSED).setFencingToken(2).build()).getAgent().getStatus())
                .isEqualTo(AgentStatus.AGENT_STATUS_PAUSED);

        StatusRuntimeException badTtl = catchThrowableOfType(StatusRuntimeException.class,
                () -> claim(agent, "worker-c", 10));
        assertThat(violatedFields(badTtl)).containsExactly("ttl_millis");
    }

    /**
     * Proves: enqueue, claim and ack work through a consumer group; a task acknowledged
     * is gone; the queue key has a TTL; bad queue names and payloads are refused by field.
     */
    @Test
    void enqueueClaimAck() {
        String queue = "jobs-" + UUID.randomUUID().toString().substring(0, 8);
        String id = enqueue(queue, "{\"url\": \"https://example.org\"}");
        List<Task> tasks = claimTasks(queue, "consumer-1", 10);
        assertThat(tasks).singleElement().satisfies(task -> {
            assertThat(task.getId()).isEqualTo(id);
            assertThat(task.getPayloadJson()).isEqualTo("{\"url\": \"https://example.org\"}");
            assertThat(task.getDeliveries()).isEqualTo(1);
        });
        assertThat(claimTasks(queue, "consumer-2", 10)).as("a claimed task is nobody else's").isEmpty();
        assertThat(RedisProbe.pttl(RedisProbe.prefix(tenant) + "queue:" + queue)).isPositive();
        runtime().ackTask(AckTaskRequest.newBuilder().setQueue(queue).setTaskId(id).setConsumer("consumer-1").build());
        assertThat(RedisProbe.send(Command.XLEN, RedisProbe.prefix(tenant) + "queue:" + queue).toLong())
                .isZero();
        StatusRuntimeException again = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .ackTask(AckTaskRequest.newBuilder().setQueue(queue).setTaskId(id).setConsumer("consumer-1").build()));
        assertThat(codeOf(again)).isEqualTo(Status.Code.NOT_FOUND);

        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .enqueueTask(EnqueueTaskRequest.newBuilder().setQueue("Bad Queue!").setPayloadJson("{nope").build()));
        assertThat(violatedFields(bad)).containsExactlyInAnyOrder("queue", "payload_json");
        StatusRuntimeException count = catchThrowableOfType(StatusRuntimeException.class,
                () -> claimTasks(queue, "consumer-1", 1000));
        assertThat(violatedFields(count)).containsExactly("count");
    }

    /**
     * Proves: a task failed by its consumer is handed out again at once, and after its
     * third delivery fails it goes to the dead-letter stream with the reason; a task whose
     * consumers keep going silent is dead-lettered after three deliveries too.
     */
    @Test
    void boundedRetriesEndInTheDeadLetterStream() {
        String queue = "retries-" + UUID.randomUUID().toString().substring(0, 8);
        String failing = enqueue(queue, "{\"n\": 1}");
        for (int delivery = 1; delivery <= 3; delivery++) {
            List<Task> tasks = claimTasks(queue, "consumer-" + delivery, 1);
            assertThat(tasks).singleElement().satisfies(task -> assertThat(task.getId()).isEqualTo(failing));
            assertThat(tasks.get(0).getDeliveries()).isEqualTo(delivery);
            boolean dead = runtime().failTask(FailTaskRequest.newBuilder().setQueue(queue).setTaskId(failing)
                    .setConsumer("consumer-" + delivery).setReason("boom " + delivery).build()).getDeadLettered();
            assertThat(dead).isEqualTo(delivery == 3);
        }
        assertThat(claimTasks(queue, "consumer-4", 1)).isEmpty();

        String silent = enqueue(queue, "{\"n\": 2}");
        for (int delivery = 1; delivery <= 3; delivery++) {
            String consumer = "silent-" + delivery;
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> claimTasks(queue, consumer, 1).stream().anyMatch(t -> t.getId().equals(silent)));
        }
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            claimTasks(queue, "silent-4", 1);
            return dead(queue).size() == 2;
        });
        List<DeadTask> dead = dead(queue);
        assertThat(dead).extracting(DeadTask::getTaskId).containsExactly(failing, silent);
        assertThat(dead.get(0).getReason()).isEqualTo("boom 3");
        assertThat(dead.get(0).getDeliveries()).isEqualTo(3);
        assertThat(dead.get(1).getDeliveries()).isEqualTo(3);
        assertThat(dead.get(1).getPayloadJson()).isEqualTo("{\"n\": 2}");
        assertThat(RedisProbe.pttl(RedisProbe.prefix(tenant) + "queue:" + queue + ":dead")).isPositive();
    }

    /**
     * Proves: when a worker dies holding an agent's lease and a claimed task, the lease
     * expires and another worker claims it with a larger token, the task is reclaimed by
     * the other worker after the claim timeout (XAUTOCLAIM), the new worker's writes
     * succeed, and the dead worker's late writes and acks are refused.
     */
    @Test
    void workerKilledWhileHoldingLeaseAndTask() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        String queue = "work-" + UUID.randomUUID().toString().substring(0, 8);
        String taskId = enqueue(queue, "{\"agent\": \"" + agent.getId() + "\"}");
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);

        long deadToken = claim(agent, "worker-dead", 500).getFencingToken();
        assertThat(claimTasks(queue, "worker-dead", 1)).extracting(Task::getId).containsExactly(taskId);
        // The worker dies here: it never renews, acknowledges or saves again.

        assertThat(preconditionType(catchThrowableOfType(StatusRuntimeException.class,
                () -> claim(agent, "worker-next", 5_000)))).isEqualTo("LEASE_HELD");
        assertThat(claimTasks(queue, "worker-next", 1)).as("not before the claim timeout").isEmpty();

        AtomicReference<ClaimLeaseResponse> lease = new AtomicReference<>();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> {
                    lease.set(claim(agent, "worker-next", 5_000));
                    return true;
                });
        assertThat(lease.get().getFencingToken()).isGreaterThan(deadToken);
        AtomicReference<Task> reclaimed = new AtomicReference<>();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            claimTasks(queue, "worker-next", 1).forEach(reclaimed::set);
            return reclaimed.get() != null;
        });
        assertThat(reclaimed.get().getId()).isEqualTo(taskId);
        assertThat(reclaimed.get().getDeliveries()).isEqualTo(2);

        runtime().saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(first.getThreadId()).setExpectedVersion(1).setStateJson("{\"by\": \"next\"}")
                .setFencingToken(lease.get().getFencingToken()).build());
        StatusRuntimeException zombieWrite = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(agent.getId())
                        .setThreadId(first.getThreadId()).setExpectedVersion(2).setStateJson("{\"by\": \"zombie\"}")
                        .setFencingToken(deadToken).build()));
        assertThat(preconditionType(zombieWrite)).isEqualTo("STALE_FENCING_TOKEN");
        StatusRuntimeException zombieAck = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .ackTask(AckTaskRequest.newBuilder().setQueue(queue).setTaskId(taskId).setConsumer("worker-dead")
                        .build()));
        assertThat(preconditionType(zombieAck)).isEqualTo("TASK_NOT_HELD");
        runtime().ackTask(AckTaskRequest.newBuilder().setQueue(queue).setTaskId(taskId).setConsumer("worker-next")
                .build());
        assertThat(CheckpointBadInputTest.checkpointRows(agent.getId())).isEqualTo(2);
    }

    private ClaimLeaseResponse claim(Agent agent, String worker, long ttlMillis) {
        return runtime().claimLease(ClaimLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId(worker)
                .setTtlMillis(ttlMillis).build());
    }

    private String enqueue(String queue, String payload) {
        return runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson(payload).build())
                .getTaskId();
    }

    private List<Task> claimTasks(String queue, String consumer, int count) {
        return runtime().claimTasks(ClaimTasksRequest.newBuilder().setQueue(queue).setConsumer(consumer)
                .setCount(count).build()).getTasksList();
    }

    private List<DeadTask> dead(String queue) {
        return runtime().listDeadTasks(ListDeadTasksRequest.newBuilder().setQueue(queue).build()).getTasksList();
    }
}
