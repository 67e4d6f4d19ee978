package io.aicunet.platform.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The outbox of a service and its relay. */
@ConfigMapping(prefix = "aicunet.outbox")
public interface OutboxConfig {

    /** CloudEvents source of this service's events. */
    @WithDefault("/aicunet/${quarkus.application.name}")
    String source();

    /** Put before every topic name (none by default); tests give each run its own so runs never share topics. */
    Optional<String> topicPrefix();

    /** Whether this replica relays outbox events to Kafka. Any number of replicas may. */
    @WithDefault("true")
    boolean relayEnabled();

    /** Milliseconds between relay passes while the outbox is idle (passes never overlap). */
    @WithDefault("200")
    long pollIntervalMillis();

    /** Most events one relay transaction publishes (per bucket). */
    @WithDefault("500")
    int batchSize();

    /** Most batches one scheduled relay pass sends before yielding to the next tick. */
    @WithDefault("20")
    int passBatchesMax();
}
