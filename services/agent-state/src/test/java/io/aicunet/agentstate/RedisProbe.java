package io.aicunet.agentstate;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;

/** Raw Redis commands for tests that look at what the service keeps there. */
public final class RedisProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private RedisProbe() {
    }

    public static Response send(Redis redis, Command command, Object... arguments) {
        Request request = Request.cmd(command);
        for (Object argument : arguments) {
            if (argument instanceof byte[] bytes) {
                request.arg(io.vertx.mutiny.core.buffer.Buffer.buffer(bytes));
            } else {
                request.arg(String.valueOf(argument));
            }
        }
        return redis.send(request).await().atMost(TIMEOUT);
    }

    public static long pttl(Redis redis, String key) {
        return send(redis, Command.PTTL, key).toLong();
    }

    public static String prefix(String tenant) {
        return "t:{" + tenant + "}:agent-state:";
    }
}
