package io.aicunet.config;

import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.StackRedisClient;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Redis as the local stack's administrator ({@code fleet-admin}), for tests that inspect or
 * plant what config keeps in Redis with commands config itself never sends (HGETALL,
 * EXISTS, ZCOUNT): the application's own client connects as config's ACL user, which
 * may run only what the service needs (docs/redis.md, "ACL users"). Quarkus makes named
 * clients only from build-time settings, so this one is built from the Vert.x client and
 * Quarkus's data source implementation directly.
 */
@Singleton
public class StackAdminRedis {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Redis client;
    private final ReactiveRedisDataSourceImpl reactive;

    StackAdminRedis(Vertx vertx) {
        this.client = Redis.createClient(vertx, StackRedisClient.options(StackRedis.ADMIN));
        this.reactive = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
    }

    @Produces
    @StackAdmin
    ReactiveRedisDataSource reactive() {
        return reactive;
    }

    @Produces
    @StackAdmin
    RedisDataSource blocking() {
        return new BlockingRedisDataSourceImpl(reactive, TIMEOUT);
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
