package io.aicunet.config.adapter.redis;

import static org.awaitility.Awaitility.await;

import io.aicunet.config.StackAdmin;
import io.aicunet.config.application.port.ChangeNotifications;
import io.aicunet.config.application.watch.ChangeFeed;
import io.aicunet.config.application.watch.ChangeFeeds;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A revision subscription whose Redis connection ends (a node that died, a failover, a
 * restart) is made again: Quarkus completes the subscription's stream when its connection
 * ends, RedisChangeNotifications turns that into a failure, and the feed re-subscribes.
 */
@QuarkusTest
class RedisChangeNotificationsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ChangeFeeds feeds;

    @Inject
    ChangeNotifications notifications;

    @Inject
    @StackAdmin
    RedisDataSource admin;

    /**
     * Proves: after Redis closes every pub/sub connection of config's user (CLIENT KILL, as
     * the administrator), a feed that learns of revisions only through pub/sub receives
     * announcements again.
     */
    @Test
    void aSubscriptionWhoseConnectionEndsIsMadeAgain() {
        try (ChangeFeed replica = feeds.independent("resubscribing-replica")) {
            awaitAnnouncement(replica);

            long killed = admin.execute("CLIENT", "KILL", "USER", "config", "TYPE", "pubsub").toLong();
            await().atMost(WAIT).until(() -> killed > 0);

            awaitAnnouncement(replica);
        }
    }

    private void awaitAnnouncement(ChangeFeed replica) {
        long before = replica.announcementsReceived();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            notifications.publish(0).await().atMost(Duration.ofSeconds(5));
            return replica.announcementsReceived() > before;
        });
    }
}
