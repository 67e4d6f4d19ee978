package io.aicunet.audit.adapter.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.StackRedisClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Redis's ACL LOG as metrics, against the stack's real Redis and its ACL users: the audit
 * service (with its own Redis user, which may read the ACL LOG) counts what Redis refused,
 * by reason and user.
 */
@QuarkusTest
class RedisAclLogTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    MeterRegistry meters;

    @Inject
    Vertx vertx;

    /**
     * Proves: agent-state's user reading config's cache key (a key refusal) and a wrong
     * password for ledger's user (an auth refusal) are each counted in
     * aicunet_redis_acl_denials_total with their reason and user, and the log reads as up.
     */
    @Test
    void refusalsAreCountedByReasonAndUser() {
        await().atMost(WAIT).until(() -> up() == 1.0);
        double keyBefore = denials("key", "agent-state");
        double authBefore = denials("auth", "ledger");

        Redis asAgentState = Redis.createClient(vertx, StackRedisClient.options("agent-state"));
        try {
            String configKey = "t:{" + UUID.randomUUID() + "}:config:effective";
            // HGET is one of agent-state's commands: Redis refuses the key, not the command.
            assertThatThrownBy(() -> asAgentState.send(Request.cmd(Command.HGET).arg(configKey).arg("x")).await()
                    .atMost(WAIT)).hasMessageContaining("NOPERM");
        } finally {
            asAgentState.close();
        }
        Redis wrongPassword = Redis.createClient(vertx, StackRedisClient.options(
                "rediss://ledger:not-its-password@" + FleetStack.host() + ":" + FleetStack.redisPort(),
                FleetStack.caCertificate()));
        try {
            assertThatThrownBy(() -> wrongPassword.send(Request.cmd(Command.PING)).await().atMost(WAIT))
                    .hasMessageContaining("WRONGPASS");
        } finally {
            wrongPassword.close();
        }

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(denials("key", "agent-state")).isGreaterThan(keyBefore);
            assertThat(denials("auth", "ledger")).isGreaterThan(authBefore);
        });
    }

    private double denials(String reason, String username) {
        Counter counter = meters.find(RedisAclLog.DENIALS).tags("reason", reason, "username", username).counter();
        return counter == null ? 0 : counter.count();
    }

    private double up() {
        Gauge gauge = meters.find("aicunet.redis.acl.log.up").gauge();
        return gauge == null ? 0 : gauge.value();
    }
}
