package io.aicunet.platform.outbox;

import io.smallrye.mutiny.Uni;
import java.util.List;

/** Publishes a batch of outbox events; completes only when every one is acknowledged. */
public interface EventPublisher {

    /** Fails if any event of the batch was not acknowledged; the relay then publishes the batch again. */
    Uni<Void> publish(List<OutboxEvent> events);
}
