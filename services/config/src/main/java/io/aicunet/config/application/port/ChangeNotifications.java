package io.aicunet.config.application.port;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * How replicas tell each other that revisions committed: at most once, in no
 * particular order. Only revision numbers travel, never values; the database stays
 * the one source of what changed, so a lost or late message delays, never loses.
 */
public interface ChangeNotifications {

    Uni<Void> publish(long revision);

    /**
     * Revision numbers announced by any replica, on a subscription of its own; each
     * call subscribes anew (an independent fan-out subscriber).
     */
    Multi<Long> subscribe();
}
