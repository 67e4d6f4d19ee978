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

    /**
     * Most milliseconds a send waits for a topic's metadata or for producer buffer space
     * (the relay producer's max.block.ms): with Kafka away, how long a pass waits before it
     * gives up and tries again.
     */
    @WithDefault("10000")
    int metadataWaitMillis();

    /**
     * Most milliseconds from send to acknowledgement, retries included (the relay
     * producer's delivery.timeout.ms). A batch that is not acknowledged in
     * metadataWaitMillis + deliveryTimeoutMillis counts as failed and is sent again by a
     * later pass; no database transaction is open meanwhile.
     */
    @WithDefault("30000")
    int deliveryTimeoutMillis();

    /**
     * Age in seconds of the oldest waiting event past which the {@code outbox} health
     * group (not readiness: the outbox exists to absorb a Kafka outage) reports DOWN.
     */
    @WithDefault("300")
    long healthyLagSecondsMax();
}
