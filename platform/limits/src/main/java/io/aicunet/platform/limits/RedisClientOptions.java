package io.aicunet.platform.limits;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.vertx.redis.client.RedisOptions;
import jakarta.inject.Singleton;

/**
 * Keeps a copy of the options Quarkus built for the service's Redis client (endpoints with
 * the ACL user, password, TLS from the TLS registry, pool sizes, cluster settings), as they
 * are when the client is created: {@link RedisNodes} opens a connection to one node of a
 * cluster with exactly these, only the endpoint changed. It changes nothing itself.
 */
@Singleton
public class RedisClientOptions implements RedisOptionsCustomizer {

    private volatile RedisOptions options;

    @Override
    public void customize(String clientName, RedisOptions built) {
        if (RedisConfig.isDefaultClient(clientName)) {
            options = new RedisOptions(built);
        }
    }

    /** The default client's options; the client is created before any bean that injects it runs. */
    public RedisOptions options() {
        RedisOptions copy = options;
        if (copy == null) {
            throw new IllegalStateException("the Redis client was not created yet: inject it before asking its options");
        }
        return new RedisOptions(copy);
    }
}
