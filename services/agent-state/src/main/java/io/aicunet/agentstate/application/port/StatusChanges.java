package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.StatusChange;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.function.Consumer;

/**
 * Agents' status changes as they commit, for watchers on any replica. A change is
 * published in the transaction that makes it and delivered only if that commits.
 */
public interface StatusChanges {

    /** A watcher's registration; closing it stops deliveries. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    Uni<Void> publish(SqlConnection connection, StatusChange change);

    /**
     * Calls {@code onChange} with every committed change of the agent, and
     * {@code onGap} whenever changes may have been missed (the listening connection was
     * re-established), so that the watcher re-reads the agent.
     */
    Subscription subscribe(AgentId agent, Consumer<StatusChange> onChange, Runnable onGap);
}
