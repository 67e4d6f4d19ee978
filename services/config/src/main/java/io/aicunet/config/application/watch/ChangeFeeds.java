package io.aicunet.config.application;

import io.aicunet.config.settings.ConfigServiceSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * This replica's change feed: started with the application, told of local commits
 * directly, of other replicas' through Redis pub/sub, and polling the database on a
 * short interval as the safety net.
 */
@ApplicationScoped
public class ChangeFeeds {

    private final Pool pool;
    private final Entries entries;
    private final ChangeNotifications notifications;
    private final ConfigServiceSettings settings;
    private final ChangeFeed primary;

    public ChangeFeeds(Pool pool, Entries entries, ChangeNotifications notifications, ConfigServiceSettings settings) {
        this.pool = pool;
        this.entries = entries;
        this.notifications = notifications;
        this.settings = settings;
        this.primary = new ChangeFeed("primary", pool, entries, settings.watch().batchSize());
    }

    void onStart(@Observes StartupEvent event) {
        primary.follow(notifications.subscribe());
        primary.poll();
    }

    void onStop(@Observes ShutdownEvent event) {
        primary.close();
    }

    @Scheduled(every = "${config.watch.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        primary.poll();
    }

    public ChangeFeed primary() {
        return primary;
    }

    /**
     * A second, independent follower fed by Redis pub/sub alone (its own subscription,
     * no local signals, no polling): what another replica's feed sees of this one's
     * commits. The caller closes it.
     */
    public ChangeFeed independent(String name) {
        ChangeFeed feed = new ChangeFeed(name, pool, entries, settings.watch().batchSize());
        feed.follow(notifications.subscribe());
        feed.poll();
        return feed;
    }
}
