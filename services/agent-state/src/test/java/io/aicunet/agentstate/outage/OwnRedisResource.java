package io.aicunet.agentstate.outage;

import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.StackRedis;
import java.util.HashMap;
import java.util.Map;

/**
 * The local stack as {@link FleetTestResource} gives it, but with a Redis of the test's
 * own behind a cuttable proxy, so that the test can kill, stop, restart and partition it.
 */
public class OwnRedisResource extends FleetTestResource {

    private static volatile RedisServer redis;
    private static volatile CuttableProxy proxy;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        redis = RedisServer.onFreePort();
        proxy = new CuttableProxy(redis.port());
        // As agent-state's own user: the test's Redis has the stack's ACL users (RedisServer).
        config.put("quarkus.redis.hosts", StackRedis.hosts("agent-state", proxy.port()));
        return config;
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
        super.stop();
    }

    static RedisServer redis() {
        return redis;
    }

    static CuttableProxy proxy() {
        return proxy;
    }
}
