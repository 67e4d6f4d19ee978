package io.aicunet.config.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.HaStack;
import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.StackRedisClient;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Request;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revision announcements on a Redis Cluster (the HA stack's: three masters, three replicas,
 * TLS, ACL users), through cluster clients as config's own user: what one replica publishes
 * reaches another's subscription whichever nodes the two clients picked, and when Redis
 * closes the subscription's connection the subscription is made again (as ChangeFeed#follow
 * does: re-subscribe on failure, with back-off). No application boot. Runs only when asked
 * ({@code -Daicunet.redis-cluster=true}), since it needs the clustered stack.
 */
class RedisChangeNotificationsClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Vertx vertx;
    private static Redis subscriberClient;
    private static Redis publisherClient;
    private static RedisChangeNotifications subscriber;
    private static RedisChangeNotifications publisher;

    @BeforeAll
    static void connect() {
        HaStack.ensureUp();
        vertx = Vertx.vertx();
        subscriberClient = Redis.createClient(vertx, StackRedisClient.clusterOptions("config"));
        publisherClient = Redis.createClient(vertx, StackRedisClient.clusterOptions("config"));
        subscriber = new RedisChangeNotifications(
                new ReactiveRedisDataSourceImpl(vertx, subscriberClient, RedisAPI.api(subscriberClient)), settings());
        publisher = new RedisChangeNotifications(
                new ReactiveRedisDataSourceImpl(vertx, publisherClient, RedisAPI.api(publisherClient)), settings());
    }

    @AfterAll
    static void close() {
        subscriberClient.close();
        publisherClient.close();
        vertx.closeAndAwait();
    }

    /**
     * Proves: a revision published by one replica's client arrives at another's; after
     * CLIENT KILL of config's pub/sub connections on every node, revisions arrive again.
     */
    @Test
    void announcementsCrossTheClusterAndSurviveALostConnection() {
        List<Long> received = new CopyOnWriteArrayList<>();
        Cancellable following = subscriber.subscribe()
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1)).indefinitely()
                .subscribe().with(received::add);
        try {
            AtomicLong revision = new AtomicLong(System.currentTimeMillis());
            awaitAnnouncement(received, revision);

            long killed = 0;
            for (int port : HaStack.redisPorts()) {
                Redis admin = Redis.createClient(vertx, StackRedisClient.options("rediss://" + StackRedis.ADMIN + ":"
                        + StackRedis.password(StackRedis.ADMIN) + "@" + FleetStack.host() + ":" + port,
                        FleetStack.caCertificate()));
                try {
                    killed += admin.send(Request.cmd(Command.CLIENT).arg("KILL").arg("USER").arg("config")
                            .arg("TYPE").arg("pubsub")).await().atMost(WAIT).toLong();
                } finally {
                    admin.close();
                }
            }
            assertThat(killed).as("config's pub/sub connections closed").isPositive();

            awaitAnnouncement(received, revision);
        } finally {
            following.cancel();
        }
    }

    private static void awaitAnnouncement(List<Long> received, AtomicLong revision) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            long next = revision.incrementAndGet();
            publisher.publish(next).await().atMost(Duration.ofSeconds(5));
            return received.contains(next);
        });
    }

    /** config's settings as far as RedisChangeNotifications reads them: the watch channel and publish deadline. */
    private static ConfigServiceConfig settings() {
        Object watch = Proxy.newProxyInstance(RedisChangeNotificationsClusterTest.class.getClassLoader(),
                new Class<?>[] {ConfigServiceConfig.Watch.class}, (proxy, method, arguments) ->
                        switch (method.getName()) {
                            case "channel" -> "t:{platform}:config:revisions";
                            case "publishTimeoutMillis" -> 2000L;
                            default -> throw new UnsupportedOperationException(method.getName());
                        });
        return (ConfigServiceConfig) Proxy.newProxyInstance(RedisChangeNotificationsClusterTest.class.getClassLoader(),
                new Class<?>[] {ConfigServiceConfig.class}, (proxy, method, arguments) -> {
                    if ("watch".equals(method.getName())) {
                        return watch;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
