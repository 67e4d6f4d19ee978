package io.aicunet.config.application.watch;

import io.aicunet.config.application.port.ChangeNotifications;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.config.ConfigServiceConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * This replica's change feed: started with the application, told of local commits
 * directly, of other replicas' through Redis pub/sub, and polling the database on a
 * short interval as the safety net ({@link #poll}, which the service's jobs trigger every
 * {@code config.watch.poll-interval}).
 */
@ApplicationScoped
public class ChangeFeeds {

    private final Pool pool;
    private final Entries entries;
    private final ChangeNotifications notifications;
    private final ConfigServiceConfig settings;
    private final ChangeFeed primary;

    public ChangeFeeds(Pool pool, Entries entries, ChangeNotifications notifications, ConfigServiceConfig settings) {
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

    /** Looks for revisions nobody announced (a lost pub/sub message, a replica that died after commit). */
    public void poll() {
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
