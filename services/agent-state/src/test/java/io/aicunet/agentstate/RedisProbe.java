package io.aicunet.agentstate;

import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.StackRedisClient;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;

/**
 * Raw Redis commands for tests that look at what the service keeps in the local stack's
 * Redis, sent as its administrator ({@code fleet-admin}): the service itself connects as
 * agent-state's ACL user, which may not run KEYS, TYPE, HGETALL or ZRANGE, nor read other
 * services' keys (docs/redis.md, "ACL users").
 */
public final class RedisProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private RedisProbe() {
    }

    /** One client for the test run, made on first use. */
    private static final class Admin {
        static final Redis CLIENT = Redis.createClient(Vertx.vertx(), StackRedisClient.options(StackRedis.ADMIN));
    }

    public static Response send(Command command, Object... arguments) {
        Request request = Request.cmd(command);
        for (Object argument : arguments) {
            if (argument instanceof byte[] bytes) {
                request.arg(io.vertx.mutiny.core.buffer.Buffer.buffer(bytes));
            } else {
                request.arg(String.valueOf(argument));
            }
        }
        return Admin.CLIENT.send(request).await().atMost(TIMEOUT);
    }

    public static long pttl(String key) {
        return send(Command.PTTL, key).toLong();
    }

    public static String prefix(String tenant) {
        return "t:{" + tenant + "}:agent-state:";
    }
}
