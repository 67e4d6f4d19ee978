package io.aicunet.agentstate.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.agentstate.application.port.Leases;
import io.aicunet.agentstate.application.port.TaskQueues;
import io.aicunet.agentstate.application.port.TenantKeys;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.Task;
import io.aicunet.platform.limits.RedisClientOptions;
import io.aicunet.platform.limits.RedisNodes;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.HaStack;
import io.aicunet.platform.testing.StackRedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * agent-state's Redis adapters on a Redis Cluster of three masters with a replica each (the
 * HA stack's: TLS, ACL users), through a cluster client as agent-state's own user with the
 * options of the service's client in cluster mode, and {@code agent-state.redis.wait-replicas=1}:
 * erasure deletes a tenant's keys from every master; lease and task writes send WAIT to the
 * master that took the write and are on its replica when acknowledged; Redis's uptime is the
 * masters' shortest. The adapters are built as CDI builds them, with the service's defaults:
 * no application boot. Runs only when asked ({@code -Daicunet.redis-cluster=true}), since it
 * needs the clustered stack; it needs agent-state's user to have {@code wait}.
 */
class RedisClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Vertx vertx;
    private static ClusterAdmin admin;
    private static Redis cluster;
    private static RedisNodes nodes;
    private static RedisTenantKeys tenantKeys;
    private static RedisLeases leases;
    private static RedisTaskQueues queues;
    private static RedisHeartbeats heartbeats;

    @BeforeAll
    static void connect() {
        HaStack.ensureUp();
        vertx = Vertx.vertx();
        admin = new ClusterAdmin(vertx);
        // As the service's client in cluster mode (docs/redis.md, "Redis Cluster").
        RedisOptions options = StackRedisClient.clusterOptions("agent-state");
        RedisClientOptions captured = new RedisClientOptions();
        captured.customize(RedisConfig.DEFAULT_CLIENT_NAME, options);
        cluster = Redis.createClient(vertx, options);
        AgentStateServiceConfig config = ConfigDefaults.of(AgentStateServiceConfig.class,
                Map.of("redis.waitReplicas", 1));
        RedisCommands commands = new RedisCommands(cluster, config, new SimpleMeterRegistry());
        nodes = new RedisNodes(cluster, vertx, captured);
        tenantKeys = new RedisTenantKeys(commands, nodes, config);
        leases = new RedisLeases(commands);
        queues = new RedisTaskQueues(commands, config);
        heartbeats = new RedisHeartbeats(commands, nodes);
    }

    @AfterAll
    static void close() {
        nodes.close();
        cluster.close();
        admin.close();
        vertx.closeAndAwait();
    }

    /**
     * Proves: with three keys for each of 24 tenants, spread over all three masters, erasing
     * 12 tenants step by step (the resumable cursor) deletes exactly their 36 keys, and a
     * SCAN of each master afterwards finds none of theirs and all of the others'.
     */
    @Test
    void erasureDeletesATenantsKeysFromEveryMaster() {
        List<TenantId> tenants = new ArrayList<>();
        Set<Integer> mastersUsed = new HashSet<>();
        for (int t = 0; t < 24; t++) {
            TenantId tenant = TenantId.random();
            tenants.add(tenant);
            for (int k = 0; k < 3; k++) {
                String key = "t:{" + tenant + "}:agent-state:cluster-test:" + k;
                int master = admin.masterOf(key);
                mastersUsed.add(master);
                admin.call(master, "SET", key, "x", "PX", "600000");
            }
        }
        assertThat(mastersUsed).as("the tenants' keys are spread over every master").hasSize(admin.masters().size());

        List<TenantId> erased = tenants.subList(0, 12);
        long deleted = 0;
        for (TenantId tenant : erased) {
            String cursor = "0";
            int steps = 0;
            do {
                TenantKeys.Step step = tenantKeys.deleteStep(tenant, cursor).await().atMost(WAIT);
                deleted += step.deleted();
                cursor = step.next();
                assertThat(++steps).as("steps of one tenant's erasure").isLessThan(10_000);
            } while (!"0".equals(cursor));
        }
        assertThat(deleted).isEqualTo(36);

        Map<TenantId, Integer> left = new HashMap<>();
        for (int master : admin.masters()) {
            for (TenantId tenant : tenants) {
                left.merge(tenant, admin.scan(master, "t:{" + tenant + "}:agent-state:*").size(), Integer::sum);
            }
        }
        for (TenantId tenant : tenants) {
            assertThat(left.get(tenant)).as("keys of tenant %s left on the masters", tenant)
                    .isEqualTo(erased.contains(tenant) ? 0 : 3);
        }
    }

    /**
     * Proves: a lease acquisition and renewal, a task enqueue and its acknowledgement each
     * send WAIT on the master of the tenant's slot (its WAIT count grows, no other master's
     * does), and the lease and the task are on that master's replica as soon as they are
     * acknowledged.
     */
    @Test
    void replicatedWritesWaitOnTheirOwnMaster() {
        TenantId tenant = TenantId.random();
        AgentId agent = new AgentId(UUID.randomUUID());
        String leaseKey = "t:{" + tenant + "}:agent-state:agent:" + agent + ":lease";
        int master = admin.masterOf(leaseKey);
        int replica = admin.replicaOf(master);
        Map<Integer, Long> waitsBefore = waits();

        assertThat(leases.acquire(tenant, agent, "worker-1", 7, Duration.ofMinutes(1)).await().atMost(WAIT))
                .isInstanceOf(Leases.Acquired.class);
        assertThat(admin.scan(replica, leaseKey)).as("the lease on the replica once acquired").containsExactly(leaseKey);
        assertThat(leases.renew(tenant, agent, "worker-1", 7, Duration.ofMinutes(1)).await().atMost(WAIT)).isTrue();

        TaskQueues.Enqueued enqueued = queues.enqueue(tenant, "cluster", "{\"n\":1}", 1_000_000).await().atMost(WAIT);
        assertThat(enqueued).isInstanceOf(TaskQueues.Enqueued.Added.class);
        String queueKey = "t:{" + tenant + "}:agent-state:queue:cluster";
        assertThat(admin.scan(replica, queueKey)).as("the queue on the replica once enqueued").containsExactly(queueKey);
        List<Task> claimed = queues.claim(tenant, "cluster", "consumer-1", 1).await().atMost(WAIT);
        assertThat(claimed).hasSize(1);
        assertThat(queues.ack(tenant, "cluster", claimed.get(0).id(), "consumer-1").await().atMost(WAIT))
                .isEqualTo(TaskQueues.Outcome.DONE);

        Map<Integer, Long> waitsAfter = waits();
        for (int node : admin.masters()) {
            long sent = waitsAfter.get(node) - waitsBefore.getOrDefault(node, 0L);
            if (node == master) {
                assertThat(sent).as("WAITs on the tenant's master %d", node).isGreaterThanOrEqualTo(4);
            } else {
                assertThat(sent).as("WAITs on master %d, which has none of the tenant's keys", node).isZero();
            }
        }
    }

    /** Proves: Redis's uptime is the shortest of the masters' (within the seconds the test takes). */
    @Test
    void uptimeIsTheShortestOfTheMasters() {
        long shortest = admin.masters().stream()
                .mapToLong(port -> Long.parseLong(admin.info(port, "server", "uptime_in_seconds")))
                .min().orElseThrow();
        long seen = heartbeats.uptime().await().atMost(WAIT).toSeconds();
        assertThat(seen).isBetween(shortest, shortest + 10);
    }

    /** Each master's count of WAIT commands run (INFO commandstats). */
    private static Map<Integer, Long> waits() {
        Map<Integer, Long> waits = new HashMap<>();
        for (int port : admin.masters()) {
            String stats = admin.info(port, "commandstats", "cmdstat_wait");
            waits.put(port, stats.isEmpty() ? 0 : Long.parseLong(stats.replaceAll("^calls=(\\d+),.*", "$1")));
        }
        return waits;
    }
}
