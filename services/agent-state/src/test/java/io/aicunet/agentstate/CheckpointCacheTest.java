package io.aicunet.agentstate;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.checkpoints.CheckpointCaching;
import io.aicunet.agentstate.application.port.CheckpointCache;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.Checkpoint;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.privacy.FieldCipher;
import io.aicunet.platform.privacy.TenantDataKeys;
import io.aicunet.platform.tenancy.TenantId;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The write-through cache of latest checkpoints: used by reads, never stale after a successful write. */
@QuarkusTest
class CheckpointCacheTest extends GrpcTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    CheckpointCache cache;

    @Inject
    CheckpointCaching caching;

    @Inject
    TenantDataKeys keys;

    @Inject
    TenantCipher cipher;

    @BeforeEach
    void cacheTrusted() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(caching::trusted);
    }

    /**
     * Proves: the cache holds the state encrypted with the tenant's key, never in clear;
     * reads are served from Redis (a planted state, encrypted with the tenant's key, comes
     * back decrypted), a save replaces the entry before it answers (the next read is the
     * new version, planted state gone), and the entry carries a TTL.
     */
    @Test
    void readsUseTheCacheAndWritesReplaceIt() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        String key = RedisProbe.prefix(tenant) + "thread:" + first.getThreadId() + ":latest";
        assertThat(RedisProbe.send(Command.HGET, key, "version").toString()).isEqualTo("1");
        assertThat(RedisProbe.pttl(key)).isPositive().isLessThanOrEqualTo(3_600_000);
        Checkpoint stored = Checkpoint.parseFrom(RedisProbe.send(Command.HGET, key, "checkpoint").toBytes());
        assertThat(stored.getStateJson()).as("sealed in Redis").startsWith(FieldCipher.PREFIX).doesNotContain("hello");

        Checkpoint cached = latest(agent, first.getThreadId());
        DataKey key1 = keys.current(TenantId.parse(tenant).orElseThrow()).await().atMost(TIMEOUT).orElseThrow();
        RedisProbe.send(Command.HSET, key, "checkpoint", cached.toBuilder()
                .setStateJson(FieldCipher.encrypt(key1, "{\"planted\": true}")).build().toByteArray());
        assertThat(latest(agent, first.getThreadId()).getStateJson()).as("served from Redis")
                .isEqualTo("{\"planted\": true}");

        runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(1).setStateJson("{\"step\": 2}").build());
        Checkpoint after = latest(agent, first.getThreadId());
        assertThat(after.getVersion()).isEqualTo(2);
        assertThat(after.getStateJson()).isEqualTo("{\"step\": 2}");
    }

    /**
     * Proves: a slow reader cannot put an older version back over a newer one, and while a
     * writer's fence announces a newer version the cached older one is not served, nor can
     * the older one be put; the newer one can.
     */
    @Test
    void fenceKeepsOlderVersionsOut() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        TenantId tenantId = TenantId.parse(tenant).orElseThrow();
        ThreadId threadId = ThreadId.parse(first.getThreadId()).orElseThrow();
        StoredCheckpoint v1 = cache.latest(tenantId, threadId).await().atMost(TIMEOUT).orElseThrow();
        runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(1).setStateJson("{\"step\": 2}").build());
        StoredCheckpoint v2 = cache.latest(tenantId, threadId).await().atMost(TIMEOUT).orElseThrow();

        assertThat(cache.put(v1).await().atMost(TIMEOUT)).as("an older version is never put back").isFalse();
        assertThat(cache.latest(tenantId, threadId).await().atMost(TIMEOUT)).hasValueSatisfying(c ->
                assertThat(c.summary().version()).isEqualTo(2));

        cache.fence(tenantId, threadId, 3).await().atMost(TIMEOUT);
        assertThat(cache.latest(tenantId, threadId).await().atMost(TIMEOUT)).as("fenced off").isEmpty();
        assertThat(cache.put(v2).await().atMost(TIMEOUT)).isFalse();
        assertThat(latest(agent, first.getThreadId()).getVersion()).as("read from PostgreSQL").isEqualTo(2);

        runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(2).setStateJson("{\"step\": 3}").build());
        assertThat(cache.latest(tenantId, threadId).await().atMost(TIMEOUT)).hasValueSatisfying(c ->
                assertThat(cipher.open(c).await().atMost(TIMEOUT).value().stateJson()).isEqualTo("{\"step\": 3}"));
    }

    private Checkpoint latest(Agent agent, String threadId) {
        return runtime().getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(threadId).build()).getCheckpoint();
    }
}
