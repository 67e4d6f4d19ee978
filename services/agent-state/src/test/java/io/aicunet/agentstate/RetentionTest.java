package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.agentstate.application.retention.ApplyRetention;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.CheckpointSummary;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.EraseTenantDataRequest;
import io.aicunet.contracts.agentstate.v1.EraseTenantDataResponse;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.HeartbeatRequest;
import io.aicunet.contracts.agentstate.v1.ListCheckpointsRequest;
import io.aicunet.contracts.agentstate.v1.RetentionPolicy;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.SetRetentionPolicyRequest;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.RedisCatalogue;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Retention of checkpoints per tenant, and the erasure of all of a tenant's data. */
@QuarkusTest
class RetentionTest extends GrpcTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ApplyRetention applyRetention;

    /**
     * Proves: with keep-last 2 retention prunes a thread of 5 to versions 5 and 4; with
     * keep-last 1 to the latest alone; the latest is never pruned, and only this tenant's
     * threads are touched.
     */
    @Test
    void keepLastNeverRemovesTheLatest() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        String thread = saveVersions(agent, 5);
        String otherTenant = AgentStateFixtures.aTenantId();
        var other = client.as(AgentStateFixtures.runtimeOf(otherTenant));
        Agent otherAgent = AgentStateFixtures.registeredAgent(other, AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest otherFirst = AgentStateFixtures.aFirstCheckpoint(otherAgent.getId()).build();
        other.saveCheckpoint(otherFirst);
        other.saveCheckpoint(otherFirst.toBuilder().setExpectedVersion(1).build());

        setPolicy(2, 0);
        applyRetention.runOnce().await().atMost(WAIT);
        assertThat(versions(agent, thread)).containsExactly(5L, 4L);

        setPolicy(1, 0);
        applyRetention.runOnce().await().atMost(WAIT);
        assertThat(versions(agent, thread)).containsExactly(5L);
        assertThat(runtime().getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(thread).build()).getCheckpoint().getVersion()).isEqualTo(5);
        assertThat(other.listCheckpoints(ListCheckpointsRequest.newBuilder().setAgentId(otherAgent.getId())
                .setThreadId(otherFirst.getThreadId()).build()).getCheckpointsCount()).isEqualTo(2);
    }

    /**
     * Proves: three retention jobs running at once (as on three replicas) prune twelve
     * threads of 8 versions to exactly keep-last 3 each, without failing on each other.
     */
    @Test
    void safeWithSeveralReplicas() throws Exception {
        setPolicy(3, 0);
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        List<String> threads = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            threads.add(saveVersions(agent, 8));
        }
        ExecutorService replicas = Executors.newFixedThreadPool(3);
        try {
            List<Callable<ApplyRetention.Pass>> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                jobs.add(() -> applyRetention.runOnce().await().atMost(WAIT));
            }
            int pruned = 0;
            for (Future<ApplyRetention.Pass> pass : replicas.invokeAll(jobs)) {
                pruned += pass.get().checkpointsPruned();
            }
            // Other tests' tenants keep 100 by default: everything pruned here is this tenant's.
            assertThat(pruned).isGreaterThanOrEqualTo(12 * 5);
        } finally {
            replicas.shutdownNow();
        }
        for (String thread : threads) {
            assertThat(versions(agent, thread)).containsExactly(8L, 7L, 6L);
        }
    }

    /** Proves: the database itself refuses to delete a thread's latest checkpoint while the thread exists. */
    @Test
    void databaseRefusesDeletingTheLatest() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        String thread = saveVersions(agent, 2);
        try (Connection app = FleetTestResource.database().connectAsApp()) {
            app.setAutoCommit(false);
            try (Statement statement = app.createStatement()) {
                statement.execute("SELECT set_config('aicunet.platform', 'on', true)");
                assertThatThrownBy(() -> statement.executeUpdate(
                        "DELETE FROM checkpoints WHERE thread_id = '" + thread + "'"))
                        .hasMessageContaining("is the latest of thread");
            }
            app.rollback();
        }
        assertThat(versions(agent, thread)).containsExactly(2L, 1L);
    }

    /**
     * Proves: a thread idle longer than the tenant's TTL is deleted whole, and its latest
     * checkpoint, cached before, is not served from the cache afterwards.
     */
    @Test
    void idleThreadsExpire() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        String thread = saveVersions(agent, 2);
        GetLatestCheckpointRequest latest = GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(thread).build();
        runtime().getLatestCheckpoint(latest);
        setPolicy(10, 1);
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            applyRetention.runOnce().await().atMost(WAIT);
            return rows("SELECT count(*) FROM agent_state.threads WHERE thread_id = ?::uuid", thread) == 0;
        });
        assertThat(rows("SELECT count(*) FROM agent_state.checkpoints WHERE thread_id = ?::uuid", thread)).isZero();
        StatusRuntimeException gone = catchThrowableOfType(StatusRuntimeException.class,
                () -> runtime().getLatestCheckpoint(latest));
        assertThat(codeOf(gone)).isEqualTo(Status.Code.NOT_FOUND);
    }

    /** Proves: keep-last 0 and a negative TTL are refused by field; a viewer may not set the policy. */
    @Test
    void badPolicies() {
        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class, () -> client
                .as(TestCallers.ofTenant(tenant, "tenant-admin")).setRetentionPolicy(SetRetentionPolicyRequest
                        .newBuilder().setKeepLastCheckpoints(0).setIdleThreadTtlSeconds(-1).build()));
        assertThat(GrpcCalls.violatedFields(bad))
                .containsExactlyInAnyOrder("keep_last_checkpoints", "idle_thread_ttl_seconds");
        StatusRuntimeException viewer = catchThrowableOfType(StatusRuntimeException.class, () -> client
                .as(TestCallers.ofTenant(tenant, "tenant-viewer")).setRetentionPolicy(SetRetentionPolicyRequest
                        .newBuilder().setKeepLastCheckpoints(5).build()));
        assertThat(codeOf(viewer)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    /**
     * Proves: erasure, repeated until complete, deletes every row and every Redis key of
     * the tenant (agents, threads, checkpoints, policy, cache, heartbeat, lease, queue),
     * and nothing of another tenant; only the tenant service's own account may start it,
     * and only for the tenant it names (the ledger's account, or the tenant service at
     * platform scope or naming another tenant, is refused and erases nothing).
     */
    @Test
    void erasureDeletesEverythingOfTheTenant() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        String thread = saveVersions(agent, 3);
        runtime().getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(thread).build());
        runtime().heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent.getId()).build());
        runtime().claimLease(ClaimLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("w").build());
        runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue("erase-me").setPayloadJson("{}").build());
        setPolicy(5, 0);
        String survivor = AgentStateFixtures.aTenantId();
        var other = client.as(AgentStateFixtures.runtimeOf(survivor));
        Agent kept = AgentStateFixtures.registeredAgent(other, AgentStatus.AGENT_STATUS_RUNNING);
        other.saveCheckpoint(AgentStateFixtures.aFirstCheckpoint(kept.getId()).build());
        assertThat(keys(tenant)).isNotEmpty();

        for (var refused : List.of(TestCallers.service("ledger", tenant), TestCallers.service("tenant", "platform"),
                TestCallers.service("tenant", survivor))) {
            // Least privilege: no service but the tenant service erases, and it only the tenant it names.
            StatusRuntimeException denied = catchThrowableOfType(StatusRuntimeException.class, () -> client
                    .as(refused).eraseTenantData(EraseTenantDataRequest.newBuilder().setTenantId(tenant).build()));
            assertThat(codeOf(denied)).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        assertThat(keys(tenant)).as("a refused erasure erased nothing").isNotEmpty();

        EraseTenantDataResponse erased;
        int calls = 0;
        do {
            erased = client.as(TestCallers.service("tenant", tenant)).eraseTenantData(EraseTenantDataRequest
                    .newBuilder().setTenantId(tenant).build());
            calls++;
        } while (!erased.getComplete() && calls < 20);
        assertThat(erased.getComplete()).isTrue();

        for (String table : List.of("agents", "threads", "checkpoints", "retention_policies", "idempotency_keys",
                "cache_repairs")) {
            assertThat(rows("SELECT count(*) FROM agent_state." + table + " WHERE tenant_id = ?::uuid", tenant))
                    .as(table).isZero();
        }
        assertThat(keys(tenant)).isEmpty();
        assertThat(rows("SELECT count(*) FROM agent_state.checkpoints WHERE tenant_id = ?::uuid", survivor))
                .isEqualTo(1);

        StatusRuntimeException runtimeMayNot = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .eraseTenantData(EraseTenantDataRequest.newBuilder().setTenantId(survivor).build()));
        assertThat(codeOf(runtimeMayNot)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    private RetentionPolicy setPolicy(int keepLast, long idleTtlSeconds) {
        return client.as(TestCallers.ofTenant(tenant, "tenant-admin")).setRetentionPolicy(SetRetentionPolicyRequest
                .newBuilder().setKeepLastCheckpoints(keepLast).setIdleThreadTtlSeconds(idleTtlSeconds).build())
                .getPolicy();
    }

    /** A new thread of the agent with {@code count} versions; its id. */
    private String saveVersions(Agent agent, int count) {
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        CheckpointSummary saved = runtime().saveCheckpoint(first).getCheckpoint();
        for (int version = 1; version < count; version++) {
            saved = runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(version)
                    .setStateJson("{\"step\": " + (version + 1) + "}").build()).getCheckpoint();
        }
        assertThat(saved.getVersion()).isEqualTo(count);
        return first.getThreadId();
    }

    private List<Long> versions(Agent agent, String thread) {
        return runtime().listCheckpoints(ListCheckpointsRequest.newBuilder().setAgentId(agent.getId())
                        .setThreadId(thread).setPageSize(100).build()).getCheckpointsList().stream()
                .map(CheckpointSummary::getVersion).toList();
    }

    /**
     * The tenant's keys in Redis, but for the request rate limit's buckets
     * (t:{<tenant>}:limits:*): platform/limits' operational counters, no data of the tenant,
     * gone within 61 s (docs/rate-limits.md); the calls of this test itself write them.
     */
    private List<String> keys(String tenantId) {
        // As the stack's Redis administrator: agent-state's own user may not run KEYS, nor see other services' keys.
        List<String> keys = new ArrayList<>();
        RedisCatalogue.scan("t:{" + tenantId + "}:*").forEach(key -> keys.add(key.name()));
        keys.removeIf(key -> key.startsWith("t:{" + tenantId + "}:limits:"));
        return keys;
    }

    private static int rows(String sql, String parameter) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(sql)) {
            select.setString(1, parameter);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
