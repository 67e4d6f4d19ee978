package io.aicunet.agentstate.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.StackRedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replicated writes of {@link RedisCommands#evalReplicated} against the local stack's
 * single Redis (no replica), as its administrator (the stack's agent-state user gets WAIT
 * only where replicas exist): with {@code wait-replicas=0} the script runs alone and is
 * acknowledged; with 1 the script and WAIT go in one batch, WAIT answers 0 replicas after
 * its timeout, and the call fails as unavailable although the write happened; a script
 * Redis does not know (NOSCRIPT inside the batch) is sent again with EVAL and WAIT.
 */
class RedisWaitTest {

    private static final RedisScript SET = RedisScript.of("wait test set",
            "redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000) return 1 -- " + UUID.randomUUID());
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static Vertx vertx;
    private static Redis redis;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, StackRedisClient.options(StackRedis.ADMIN));
    }

    @AfterAll
    static void close() {
        redis.close();
        vertx.closeAndAwait();
    }

    /** Proves: with no replica asked for, the write is acknowledged at once (no WAIT is sent). */
    @Test
    void noReplicasAskedMeansNoWait() {
        String key = "t:{" + UUID.randomUUID() + "}:agent-state:wait-test";
        RedisCommands commands = new RedisCommands(redis, config(0, 100), new SimpleMeterRegistry());

        assertThat(commands.evalReplicated(SET, List.of(key), "v0").await().atMost(TIMEOUT).toLong()).isEqualTo(1);
        assertThat(get(key)).isEqualTo("v0");
    }

    /**
     * Proves: asking for one replica of a master that has none at all (the stack's single
     * node; on a cluster, a promoted replica whose old master has not returned) acknowledges
     * the write once WAIT timed out and ROLE showed no replica to wait for, and counts it as
     * unreplicated, rather than refusing every such write until a replica attaches; the first
     * call also shows NOSCRIPT in the batch recovered by EVAL (the script is new to Redis).
     */
    @Test
    void aMasterWithoutAnyReplicaAcknowledgesTheWriteUnreplicatedAndCountsIt() {
        String key = "t:{" + UUID.randomUUID() + "}:agent-state:wait-test";
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RedisCommands commands = new RedisCommands(redis, config(1, 150), meters);

        long started = System.nanoTime();
        assertThat(commands.evalReplicated(SET, List.of(key), "v1").await().atMost(TIMEOUT).toLong()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(get(key)).isEqualTo("v1");

        // Now Redis knows the script: EVALSHA and WAIT in one batch, same answer.
        assertThat(commands.evalReplicated(SET, List.of(key), "v2").await().atMost(TIMEOUT).toLong()).isEqualTo(1);
        assertThat(get(key)).isEqualTo("v2");
        assertThat(meters.counter("aicunet.agent-state.unreplicated.writes").count()).isEqualTo(2.0);
    }

    /** Proves: the settings are checked: WAIT's timeout must leave the command's own deadline room. */
    @Test
    void waitTimeoutMustBeBelowTheCommandDeadline() {
        assertThatThrownBy(() -> new RedisCommands(redis, config(1, 500), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agent-state.redis.wait-timeout-millis");
    }

    private static String get(String key) {
        return redis.send(Request.cmd(Command.GET).arg(key)).await().atMost(TIMEOUT).toString();
    }

    /** The service's settings as far as RedisCommands reads them: a 500 ms deadline and the WAIT settings. */
    private static AgentStateServiceConfig config(int replicas, long waitMillis) {
        Object writes = Proxy.newProxyInstance(RedisWaitTest.class.getClassLoader(),
                new Class<?>[] {AgentStateServiceConfig.RedisWrites.class}, (proxy, method, arguments) ->
                        switch (method.getName()) {
                            case "waitReplicas" -> replicas;
                            case "waitTimeoutMillis" -> waitMillis;
                            default -> throw new UnsupportedOperationException(method.getName());
                        });
        Map<String, Object> values = Map.of("redisTimeoutMillis", 500L, "redis", writes);
        return (AgentStateServiceConfig) Proxy.newProxyInstance(RedisWaitTest.class.getClassLoader(),
                new Class<?>[] {AgentStateServiceConfig.class}, (proxy, method, arguments) -> {
                    Object value = values.get(method.getName());
                    if (value == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return value;
                });
    }
}
