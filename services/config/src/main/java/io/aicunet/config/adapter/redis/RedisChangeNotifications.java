package io.aicunet.config.adapter.redis;

import io.aicunet.config.application.port.ChangeNotifications;
import io.aicunet.config.config.ConfigServiceConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Revision announcements over Redis pub/sub: each replica publishes the revisions it
 * committed on one channel; each subscription is a connection of its own. Pub/sub is
 * at most once, which is enough: a watcher reads what changed from the database, and
 * every replica also polls it, so a lost message only delays.
 *
 * <p>On a Redis Cluster a PUBLISH reaches the subscribers on every node (the cluster bus
 * forwards it), so the one channel stays classic pub/sub, and the subscription lives on
 * the one master the cluster client picked. When that connection ends (the node died, or
 * any master's connection of the cluster client closed, or a single Redis restarted),
 * Quarkus completes the subscription's stream; it is turned into a failure here, so the
 * follower ({@code ChangeFeed#follow}) subscribes again, with back-off, on a node that is up.
 * Without that a restart or failover silently left the replica on polling alone.
 */
@ApplicationScoped
public class RedisChangeNotifications implements ChangeNotifications {

    private static final Logger LOG = Logger.getLogger(RedisChangeNotifications.class);

    private final ReactivePubSubCommands<String> pubsub;
    private final String channel;
    private final Duration publishTimeout;

    public RedisChangeNotifications(ReactiveRedisDataSource redis, ConfigServiceConfig settings) {
        this.pubsub = redis.pubsub(String.class);
        this.channel = settings.watch().channel();
        this.publishTimeout = Duration.ofMillis(settings.watch().publishTimeoutMillis());
    }

    @Override
    public Uni<Void> publish(long revision) {
        return pubsub.publish(channel, Long.toString(revision))
                .ifNoItem().after(publishTimeout).fail()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("announcing revision %d on Redis failed (replicas will find it by polling): %s",
                            revision, failure.toString());
                    return null;
                });
    }

    @Override
    public Multi<Long> subscribe() {
        return pubsub.subscribe(channel)
                .onCompletion().failWith(() -> new IllegalStateException(
                        "the Redis connection of the subscription to " + channel + " ended"))
                .onItem().transformToIterable(message -> {
                    try {
                        return java.util.List.of(Long.parseLong(message));
                    } catch (NumberFormatException e) {
                        LOG.warnf("ignoring a malformed revision announcement on %s: %s", channel, message);
                        return java.util.List.of();
                    }
                });
    }
}
