package io.aicunet.audit.adapter.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.platform.limits.RedisClientOptions;
import io.aicunet.platform.limits.RedisNodes;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.HaStack;
import io.aicunet.platform.testing.StackRedisClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisOptions;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ACL LOG metric on a Redis Cluster (the HA stack's: three masters, three replicas, TLS,
 * ACL users): audit's reader, with a cluster client as audit's own user like the service's
 * in cluster mode, reads the log of every node, masters and replicas, and counts a refusal
 * on each. No application boot: the reader is built as CDI builds it. Runs only when asked
 * ({@code -Daicunet.redis-cluster=true}), since it needs the clustered stack.
 */
class RedisAclLogClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Vertx vertx;
    private static Redis cluster;
    private static RedisNodes nodes;

    @BeforeAll
    static void connect() {
        HaStack.ensureUp();
        vertx = Vertx.vertx();
        // As the service's client in cluster mode (docs/redis.md, "Redis Cluster").
        RedisOptions options = StackRedisClient.clusterOptions("audit");
        RedisClientOptions captured = new RedisClientOptions();
        captured.customize(RedisConfig.DEFAULT_CLIENT_NAME, options);
        cluster = Redis.createClient(vertx, options);
        nodes = new RedisNodes(cluster, vertx, captured);
    }

    @AfterAll
    static void close() {
        nodes.close();
        cluster.close();
        vertx.closeAndAwait();
    }

    /**
     * Proves: a wrong password for ledger's user on each of the six nodes in turn (each node
     * logs only its own) is counted after each, as much on every node as on the first, and a
     * read with nothing new adds nothing (no node counted twice); the log reads as up.
     */
    @Test
    void everyNodesRefusalsAreCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RedisAclLog log = new RedisAclLog(enabled(), nodes, meters);
        // A node the cluster bus has not yet heard is in sync is listed as loading, not online.
        await().atMost(WAIT).untilAsserted(() -> assertThat(nodes.all(shards -> shards.ifNoItem().after(WAIT).fail()).await().atMost(WAIT))
                .as("every node of the cluster").hasSize(HaStack.REDIS_NODES));
        log.read().await().atMost(WAIT);
        assertThat(up(meters)).isEqualTo(1.0);
        double before = denials(meters);

        // The client's handshake tries HELLO with AUTH, then AUTH alone: a refused connection
        // may log more than one refusal. The first node says how many; each other node must add as many.
        double perNode = -1;
        for (int port : HaStack.redisPorts()) {
            Redis wrong = Redis.createClient(vertx, StackRedisClient.options(
                    "rediss://ledger:not-its-password@" + FleetStack.host() + ":" + port, FleetStack.caCertificate()));
            try {
                assertThatThrownBy(() -> wrong.send(Request.cmd(Command.PING)).await().atMost(WAIT))
                        .hasMessageContaining("WRONGPASS");
            } finally {
                wrong.close();
            }
            log.read().await().atMost(WAIT);
            double grew = denials(meters) - before;
            if (perNode < 0) {
                perNode = grew;
                assertThat(perNode).as("refusals of one connection, counted").isPositive();
            }
            assertThat(grew).as("refusals counted after node %d", port).isEqualTo(perNode);
            before = denials(meters);
        }

        log.read().await().atMost(WAIT);
        assertThat(denials(meters)).as("nothing new: nothing more").isEqualTo(before);
        assertThat(up(meters)).isEqualTo(1.0);
    }

    private static double denials(SimpleMeterRegistry meters) {
        Counter counter = meters.find(RedisAclLog.DENIALS).tags("reason", "auth", "username", "ledger").counter();
        return counter == null ? 0 : counter.count();
    }

    private static double up(SimpleMeterRegistry meters) {
        Gauge gauge = meters.find("aicunet.redis.acl.log.up").gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static AuditServiceConfig enabled() {
        Object aclLog = Proxy.newProxyInstance(RedisAclLogClusterTest.class.getClassLoader(),
                new Class<?>[] {AuditServiceConfig.RedisAclLog.class}, (proxy, method, arguments) ->
                        switch (method.getName()) {
                            case "enabled" -> true;
                            case "interval" -> Duration.ofSeconds(15);
                            default -> throw new UnsupportedOperationException(method.getName());
                        });
        return (AuditServiceConfig) Proxy.newProxyInstance(RedisAclLogClusterTest.class.getClassLoader(),
                new Class<?>[] {AuditServiceConfig.class}, (proxy, method, arguments) -> {
                    if ("redisAclLog".equals(method.getName())) {
                        return aclLog;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
