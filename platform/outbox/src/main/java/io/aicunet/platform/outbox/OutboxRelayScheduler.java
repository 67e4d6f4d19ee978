package io.aicunet.platform.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Runs this replica's outbox relay on a short Vert.x timer (the Quarkus scheduler does
 * not go below one second, which would be an event's latency), never two passes at
 * once, and reports what waits and how the relay fares: the backlog (events waiting,
 * age of the oldest) after every pass, failed or not, and published events and failed
 * passes as counters. A failed pass (Kafka away) is logged and retried on the next
 * tick; it never touches readiness: writes go on into the outbox meanwhile.
 *
 * <p>The relay's producer takes the service's Kafka settings, the {@code kafka.*} keys
 * that the service's channels use too (Quarkus's {@code default-kafka-broker}
 * configuration): bootstrap servers, security protocol, SASL, TLS.
 */
@ApplicationScoped
public class OutboxRelayScheduler {

    private static final Logger LOG = Logger.getLogger(OutboxRelayScheduler.class);

    /** Time a send may take beyond the producer's own bounds before the relay stops waiting. */
    private static final Duration SEND_TIMEOUT_MARGIN = Duration.ofSeconds(5);

    private final OutboxConfig config;
    private final OutboxRelay relay;
    private final KafkaEventPublisher publisher;
    private final Counter published;
    private final Counter failedPasses;
    private final AtomicReference<OutboxRelay.Backlog> backlog =
            new AtomicReference<>(new OutboxRelay.Backlog(0, 0));
    private final AtomicLong consecutiveFailedPasses = new AtomicLong();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    private final AtomicBoolean passRunning = new AtomicBoolean();
    private volatile long timerId = -1;

    public OutboxRelayScheduler(
            OutboxConfig config,
            Pool pool,
            MeterRegistry meters,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaDefaults) {
        this.config = config;
        this.publisher = KafkaEventPublisher.connect(kafkaDefaults, config.metadataWaitMillis(),
                config.deliveryTimeoutMillis());
        this.relay = new OutboxRelay(pool, publisher, config.batchSize(), sendTimeout(config));
        this.published = Counter.builder("aicunet.outbox.events.published")
                .description("Outbox events this replica published to Kafka")
                .register(meters);
        this.failedPasses = Counter.builder("aicunet.outbox.relay.failures")
                .description("Relay passes that failed (Kafka or the database unreachable); each is retried")
                .register(meters);
        Gauge.builder("aicunet.outbox.relay.lag.seconds", backlog, b -> b.get().lagSeconds())
                .description("Seconds since the oldest event still waiting in the outbox was written")
                .register(meters);
        Gauge.builder("aicunet.outbox.backlog.events", backlog, b -> b.get().events())
                .description("Events waiting in the outbox (counted up to " + OutboxRelay.BACKLOG_COUNT_MAX + ")")
                .register(meters);
    }

    /** The longest the relay awaits one batch: the producer's wait for metadata, then for delivery, and a margin. */
    static Duration sendTimeout(OutboxConfig config) {
        return Duration.ofMillis((long) config.metadataWaitMillis() + config.deliveryTimeoutMillis())
                .plus(SEND_TIMEOUT_MARGIN);
    }

    void onStart(@Observes StartupEvent event, Vertx vertx) {
        if (config.relayEnabled()) {
            timerId = vertx.setPeriodic(config.pollIntervalMillis(), id -> passUnlessRunning());
        }
    }

    void onStop(@Observes ShutdownEvent event, Vertx vertx) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        publisher.close();
    }

    /** What the last pass saw waiting in the outbox. */
    public OutboxRelay.Backlog backlog() {
        return backlog.get();
    }

    /** Passes that failed since the last one that did not; 0 while the relay keeps up. */
    public long consecutiveFailedPasses() {
        return consecutiveFailedPasses.get();
    }

    /** The last failed pass's reason, if one failed since the last that did not. */
    public String lastFailure() {
        return lastFailure.get();
    }

    /** When a pass last completed without failure; null before the first. */
    public Instant lastSuccess() {
        return lastSuccess.get();
    }

    public OutboxConfig config() {
        return config;
    }

    private void passUnlessRunning() {
        if (!passRunning.compareAndSet(false, true)) {
            return;
        }
        pass(config.passBatchesMax())
                .invoke(ignored -> {
                    consecutiveFailedPasses.set(0);
                    lastFailure.set(null);
                    lastSuccess.set(Instant.now());
                })
                .onFailure().recoverWithItem(failure -> {
                    failedPasses.increment();
                    long failed = consecutiveFailedPasses.incrementAndGet();
                    lastFailure.set(failure.toString());
                    // Once, then every 10th: an outage of minutes should not flood the log.
                    if (failed == 1 || failed % 10 == 0) {
                        LOG.warnf("outbox relay pass failed (%d in a row), events stay in the outbox and"
                                + " the next pass retries: %s", failed, failure);
                    }
                    return null;
                })
                .flatMap(ignored -> relay.backlog())
                .invoke(backlog::set)
                .subscribe().with(
                        ignored -> passRunning.set(false),
                        failure -> {
                            passRunning.set(false);
                            LOG.warnf("outbox backlog could not be measured: %s", failure);
                        });
    }

    /** Relays until the outbox is drained or {@code batchesLeft} passes ran. */
    private Uni<Void> pass(int batchesLeft) {
        return relay.relayOnce().flatMap(count -> {
            published.increment(count);
            return count > 0 && batchesLeft > 1 ? pass(batchesLeft - 1) : Uni.createFrom().voidItem();
        });
    }
}
