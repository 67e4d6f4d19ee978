package io.aicunet.agentstate.application.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.agentstate.AgentStateFixtures;
import io.aicunet.agentstate.GrpcTestBase;
import io.aicunet.agentstate.RedisProbe;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.CheckpointSummary;
import io.aicunet.contracts.agentstate.v1.ListCheckpointsRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.platform.outbox.TenantSweep;
import io.aicunet.platform.privacy.DataClass;
import io.aicunet.platform.privacy.TenantRetentions;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Retention per data class: the tenant's periods (from the tenant service) applied to agents and checkpoints. */
@QuarkusTest
class DataClassRetentionTest extends GrpcTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    ApplyDataClassRetention retention;

    @Inject
    TenantRetentions retentions;

    /**
     * Proves, with a new tenant's default periods (OPERATIONAL 90 days, PERSONAL 365): a
     * thread's history older than 90 days goes but its latest checkpoint stays; a thread
     * idle for longer than 365 days goes whole, its cached state with it; young threads
     * stay whole; a finished agent without threads goes after 365 days, a young one stays;
     * and a tenant the tenant service does not know is left alone.
     */
    @Test
    void oldDataOfEachClassGoesYoungAndLatestStay() throws Exception {
        TenantId tenantId = TenantId.parse(tenant).orElseThrow();
        Instant now = Instant.now();
        var periods = retentions.of(tenantId).await().atMost(TIMEOUT).orElseThrow();
        assertThat(periods.cutoff(DataClass.OPERATIONAL, now)).contains(now.minus(Duration.ofDays(90)));
        assertThat(periods.cutoff(DataClass.PERSONAL, now)).contains(now.minus(Duration.ofDays(365)));
        Instant operationalAge = now.minus(Duration.ofDays(100));
        Instant personalAge = now.minus(Duration.ofDays(400));

        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        String aging = saveVersions(agent, 3);
        backdateCheckpoints(aging, operationalAge);
        backdateThread(aging, operationalAge);
        String idle = saveVersions(agent, 2);
        backdateCheckpoints(idle, personalAge);
        backdateThread(idle, personalAge);
        String young = saveVersions(agent, 2);
        Agent finishedLongAgo = AgentStateFixtures.move(runtime(),
                runtime().registerAgent(AgentStateFixtures.anAgent().build()).getAgent(),
                AgentStatus.AGENT_STATUS_TERMINATED);
        backdateAgent(finishedLongAgo.getId(), personalAge);
        Agent finishedLately = AgentStateFixtures.move(runtime(),
                runtime().registerAgent(AgentStateFixtures.anAgent().build()).getAgent(),
                AgentStatus.AGENT_STATUS_TERMINATED);
        String idleCacheKey = RedisProbe.prefix(tenant) + "thread:" + idle + ":latest";
        assertThat(RedisProbe.send(Command.HGET, idleCacheKey, "checkpoint")).isNotNull();

        ApplyDataClassRetention.Pass pass = retention.applyTo(tenantId, Instant.now()).await().atMost(TIMEOUT);

        assertThat(pass.checkpointsDeleted()).isEqualTo(2);
        assertThat(pass.threadsDeleted()).isEqualTo(1);
        assertThat(pass.agentsDeleted()).isEqualTo(1);
        assertThat(versions(agent, aging)).as("history past OPERATIONAL gone, latest kept").containsExactly(3L);
        assertThat(count("SELECT count(*) FROM agent_state.threads WHERE thread_id = ?::uuid", idle)).isZero();
        assertThat(count("SELECT count(*) FROM agent_state.checkpoints WHERE thread_id = ?::uuid", idle)).isZero();
        assertThat(RedisProbe.send(Command.HGET, idleCacheKey, "checkpoint")).as("cached state dropped")
                .isNull();
        assertThat(versions(agent, young)).containsExactly(2L, 1L);
        assertThat(count("SELECT count(*) FROM agent_state.agents WHERE agent_id = ?::uuid", finishedLongAgo.getId()))
                .isZero();
        assertThat(count("SELECT count(*) FROM agent_state.agents WHERE agent_id = ?::uuid", finishedLately.getId()))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM agent_state.agents WHERE agent_id = ?::uuid", agent.getId()))
                .isEqualTo(1);

        assertThat(retention.applyTo(tenantId, Instant.now()).await().atMost(TIMEOUT).checkpointsDeleted())
                .as("a second pass finds nothing").isZero();
        TenantId unknown = TenantId.parse(UUID.randomUUID().toString()).orElseThrow();
        assertThat(retention.applyTo(unknown, Instant.now()).await().atMost(TIMEOUT).tenants()).isZero();
    }

    /** A new thread of the agent with {@code count} versions; its id. */
    /**
     * Proves: a scheduled pass goes through the fleet's tenant sweep: it takes the sweep
     * (no other pass holds it) and visits tenants that have agents without failing.
     */
    @Test
    void aPassSweepsTenantsThatHaveAgents() {
        AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);

        TenantSweep.Pass pass = retention.runOnce().await().atMost(TIMEOUT);

        assertThat(pass.skipped()).isFalse();
        assertThat(pass.visited()).isPositive();
        assertThat(pass.failed()).isZero();
    }

    private String saveVersions(Agent agent, int count) {
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        for (int version = 1; version < count; version++) {
            runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(version)
                    .setStateJson("{\"step\": " + (version + 1) + "}").build());
        }
        return first.getThreadId();
    }

    private List<Long> versions(Agent agent, String thread) {
        return runtime().listCheckpoints(ListCheckpointsRequest.newBuilder().setAgentId(agent.getId())
                        .setThreadId(thread).setPageSize(100).build()).getCheckpointsList().stream()
                .map(CheckpointSummary::getVersion).toList();
    }

    private static void backdateCheckpoints(String thread, Instant when) throws Exception {
        update("UPDATE agent_state.checkpoints SET created_at = ? WHERE thread_id = ?::uuid", when, thread);
    }

    private static void backdateThread(String thread, Instant when) throws Exception {
        update("UPDATE agent_state.threads SET created_at = ?, updated_at = ? WHERE thread_id = ?::uuid", when, when,
                thread);
    }

    private static void backdateAgent(String agent, Instant when) throws Exception {
        update("UPDATE agent_state.agents SET created_at = ?, status_changed_at = ? WHERE agent_id = ?::uuid", when,
                when, agent);
    }

    private static void update(String sql, Object... parameters) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement update = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof Instant instant) {
                    update.setTimestamp(i + 1, Timestamp.from(instant));
                } else {
                    update.setString(i + 1, (String) parameters[i]);
                }
            }
            assertThat(update.executeUpdate()).isPositive();
        }
    }

    private static long count(String sql, String parameter) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(sql)) {
            select.setString(1, parameter);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
