package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.QuotaFailure;
import io.aicunet.agentstate.application.retention.ApplyRetention;
import io.aicunet.contracts.agentstate.v1.AckTaskRequest;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.CheckpointSummary;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.EraseTenantDataRequest;
import io.aicunet.contracts.agentstate.v1.EraseTenantDataResponse;
import io.aicunet.contracts.agentstate.v1.ForkThreadRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.SetRetentionPolicyRequest;
import io.aicunet.contracts.agentstate.v1.Task;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.StorageQuotaChecks;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Storage quotas in agent-state: a tenant's checkpoint states count against its
 * storage_bytes quota (platform/limits StorageQuota), counted in tenant_storage by the
 * database in the write's own transaction.
 */
@QuarkusTest
class StorageQuotaTest extends GrpcTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long QUOTA = 1000;

    @Inject
    ApplyRetention applyRetention;

    /**
     * Proves: a tenant with a quota of 1000 bytes saves states of 500 and 499 bytes and a
     * state of 1 byte, exactly its quota; one more byte is RESOURCE_EXHAUSTED with the
     * quota field, the bound and the current use (1000), and nothing is saved (the thread
     * stays at its version, the count stays); a fork copying 500 bytes is refused alike.
     * Retention pruning the old versions frees their bytes, so exactly as many bytes fit
     * again; an erasure of the tenant brings its count to 0.
     */
    @Test
    void exactlyTheQuotaThenRefusedUntilDeletesFreeRoom() throws Exception {
        tenant = aTenantWithStorageQuota(QUOTA);
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest big = first(agent, stateOf(500));
        CheckpointSummary bigSaved = runtime().saveCheckpoint(big).getCheckpoint();
        SaveCheckpointRequest other = first(agent, stateOf(499));
        runtime().saveCheckpoint(other);
        assertThat(storedBytes(tenant)).isEqualTo(999);

        runtime().saveCheckpoint(other.toBuilder().setExpectedVersion(1).setStateJson("1").build());
        assertThat(storedBytes(tenant)).as("exactly the quota").isEqualTo(QUOTA);

        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .saveCheckpoint(other.toBuilder().setExpectedVersion(2).setStateJson("2").build()));
        assertRefused(refused, QUOTA);
        assertThat(latestVersion(agent, other.getThreadId())).as("nothing saved").isEqualTo(2);
        assertThat(storedBytes(tenant)).isEqualTo(QUOTA);

        StatusRuntimeException forkRefused = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .forkThread(ForkThreadRequest.newBuilder().setAgentId(agent.getId()).setThreadId(big.getThreadId())
                        .setCheckpointId(bigSaved.getId()).build()));
        assertRefused(forkRefused, QUOTA);
        assertThat(storedBytes(tenant)).isEqualTo(QUOTA);

        // Keep only each thread's latest: the 499-byte version 1 of the other thread goes.
        client.as(TestCallers.ofTenant(tenant, "tenant-admin")).setRetentionPolicy(SetRetentionPolicyRequest
                .newBuilder().setKeepLastCheckpoints(1).setIdleThreadTtlSeconds(0).build());
        applyRetention.runOnce().await().atMost(WAIT);
        assertThat(storedBytes(tenant)).as("retention freed the pruned states").isEqualTo(501);

        runtime().saveCheckpoint(other.toBuilder().setExpectedVersion(2).setStateJson(stateOf(499)).build());
        assertThat(storedBytes(tenant)).isEqualTo(QUOTA);
        assertRefused(catchThrowableOfType(StatusRuntimeException.class, () -> runtime().saveCheckpoint(
                other.toBuilder().setExpectedVersion(3).setStateJson("3").build())), QUOTA);

        EraseTenantDataResponse erased;
        int calls = 0;
        do {
            erased = client.as(TestCallers.service("tenant", tenant)).eraseTenantData(EraseTenantDataRequest
                    .newBuilder().setTenantId(tenant).build());
            calls++;
        } while (!erased.getComplete() && calls < 20);
        assertThat(erased.getComplete()).isTrue();
        assertThat(storedBytes(tenant)).as("an erasure empties the count").isZero();
    }

    /**
     * Proves: one tenant at its quota does not limit another tenant, whose saves count on
     * its own row.
     */
    @Test
    void aTenantAtItsQuotaDoesNotLimitAnother() throws Exception {
        tenant = aTenantWithStorageQuota(10);
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        runtime().saveCheckpoint(first(agent, stateOf(10)));
        assertRefused(catchThrowableOfType(StatusRuntimeException.class,
                () -> runtime().saveCheckpoint(first(agent, "1"))), 10);

        String neighbour = aTenantWithStorageQuota(10);
        AgentStateServiceBlockingStub theirs = client.as(AgentStateFixtures.runtimeOf(neighbour));
        Agent theirAgent = AgentStateFixtures.registeredAgent(theirs, AgentStatus.AGENT_STATUS_RUNNING);
        theirs.saveCheckpoint(first(theirAgent, stateOf(10)));
        assertThat(storedBytes(neighbour)).isEqualTo(10);
        assertThat(storedBytes(tenant)).isEqualTo(10);
    }

    /**
     * Proves: task payloads (as stored, encrypted) count against the tenant's storage quota
     * on Redis, in the enqueue script: with a quota of exactly three payloads, three
     * enqueues over two queues pass; a fourth is RESOURCE_EXHAUSTED with the bound and the
     * current bytes (the three) and creates nothing (no new queue, the count unchanged);
     * acknowledging a task frees its bytes, so exactly one more fits; the total is the sum
     * of the queues' counts; checkpoints of the tenant are counted apart, in PostgreSQL.
     */
    @Test
    void taskPayloadsCountOnRedisUntilAcknowledged() throws Exception {
        String payload = "{\"task\":\"" + "x".repeat(100) + "\"}";
        String probe = aTenantWithStorageQuota(1_000_000);
        client.as(AgentStateFixtures.runtimeOf(probe)).enqueueTask(EnqueueTaskRequest.newBuilder().setQueue("probe")
                .setPayloadJson(payload).build());
        long one = taskBytes(probe, "*total");
        assertThat(one).as("a payload as stored").isGreaterThan(payload.length());

        tenant = aTenantWithStorageQuota(3 * one);
        enqueue("work", payload);
        enqueue("work", payload);
        enqueue("other", payload);
        assertThat(taskBytes(tenant, "*total")).as("exactly the quota").isEqualTo(3 * one);
        assertThat(taskBytes(tenant, "work") + taskBytes(tenant, "other")).isEqualTo(3 * one);

        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> enqueue("third", payload));
        assertThat(codeOf(refused)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(GrpcCalls.errorInfo(refused).getReason()).isEqualTo("tenant.quotas.storage_bytes");
        assertThat(GrpcCalls.errorInfo(refused).getMetadataMap()).containsEntry("bound", Long.toString(3 * one))
                .containsEntry("current", Long.toString(3 * one));
        assertThat(GrpcCalls.detail(refused, QuotaFailure.class).getViolations(0).getSubject())
                .endsWith("/storage/agent-state/tasks");
        assertThat(RedisProbe.send(Command.EXISTS, RedisProbe.prefix(tenant) + "queue:third").toLong())
                .as("the refused queue was not created").isZero();
        assertThat(taskBytes(tenant, "*total")).isEqualTo(3 * one);

        List<Task> claimed = runtime().claimTasks(ClaimTasksRequest.newBuilder().setQueue("other").setConsumer("w")
                .setCount(1).build()).getTasksList();
        runtime().ackTask(AckTaskRequest.newBuilder().setQueue("other").setTaskId(claimed.get(0).getId())
                .setConsumer("w").build());
        assertThat(taskBytes(tenant, "*total")).as("an acknowledged task frees its bytes").isEqualTo(2 * one);
        enqueue("third", payload);
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> enqueue("work", payload)))
                .extracting(e -> codeOf(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(storedBytes(tenant)).as("no checkpoint bytes").isZero();
    }

    private void enqueue(String queue, String payload) {
        runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson(payload).build());
    }

    /** A field of the tenant's task-bytes hash on Redis (0 when absent). */
    private long taskBytes(String tenant, String field) {
        Response value = RedisProbe.send(Command.HGET, RedisProbe.prefix(tenant) + "task-bytes", field);
        return value == null ? 0 : value.toLong();
    }

    /** A JSON document of exactly {@code bytes} bytes (at least 10): {"s":"xxx..."}. */
    static String stateOf(int bytes) {
        return "{\"s\":\"" + "x".repeat(bytes - 8) + "\"}";
    }

    private static SaveCheckpointRequest first(Agent agent, String state) {
        return AgentStateFixtures.aFirstCheckpoint(agent.getId()).setThreadId(UUID.randomUUID().toString())
                .setStateJson(state).build();
    }

    private long latestVersion(Agent agent, String thread) {
        return runtime().getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(thread).build()).getCheckpoint().getVersion();
    }

    static String aTenantWithStorageQuota(long storageBytes) {
        return StorageQuotaChecks.aTenantWithStorageQuota(storageBytes);
    }

    static long storedBytes(String tenant) throws Exception {
        return StorageQuotaChecks.storedBytes("agent_state", tenant);
    }

    static void assertRefused(StatusRuntimeException refused, long quota) {
        StorageQuotaChecks.assertStorageRefused(refused, "agent-state", quota, quota);
    }
}
