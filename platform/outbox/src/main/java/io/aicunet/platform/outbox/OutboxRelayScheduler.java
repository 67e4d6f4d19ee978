package io.aicunet.platform.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs this replica's outbox relay on a short Vert.x timer (the Quarkus scheduler does
 * not go below one second, which would be an event's latency), never two passes at
 * once, and reports relay lag (age of the oldest waiting event) and published events
 * as metrics.
 */
@ApplicationScoped
public class OutboxRelayScheduler {

    private static final Logger LOG = Logger.getLogger(OutboxRelayScheduler.class);

    private final OutboxConfig config;
    private final OutboxRelay relay;
    private final KafkaEventPublisher publisher;
    private final MeterRegistry meters;
    private final AtomicReference<Double> lagSeconds = new AtomicReference<>(0.0);
    private final AtomicBoolean passRunning = new AtomicBoolean();
    private volatile long timerId = -1;

    public OutboxRelayScheduler(
            OutboxConfig config,
            Pool pool,
            MeterRegistry meters,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        this.meters = meters;
        this.publisher = KafkaEventPublisher.connect(bootstrapServers, Map.of());
        this.relay = new OutboxRelay(pool, publisher, config.batchSize());
        Gauge.builder("aicunet.outbox.relay.lag.seconds", lagSeconds, AtomicReference::get)
                .description("Seconds since the oldest event still waiting in the outbox was written")
                .register(meters);
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

    private void passUnlessRunning() {
        if (!passRunning.compareAndSet(false, true)) {
            return;
        }
        pass(config.passBatchesMax())
                .flatMap(ignored -> relay.lagSeconds())
                .invoke(lagSeconds::set)
                .subscribe().with(
                        ignored -> passRunning.set(false),
                        failure -> {
                            passRunning.set(false);
                            LOG.warnf("outbox relay pass failed, will retry: %s", failure);
                        });
    }

    /** Relays until the outbox is drained or {@code batchesLeft} passes ran. */
    private Uni<Void> pass(int batchesLeft) {
        return relay.relayOnce().flatMap(published -> {
            meters.counter("aicunet.outbox.events.published").increment(published);
            return published > 0 && batchesLeft > 1 ? pass(batchesLeft - 1) : Uni.createFrom().voidItem();
        });
    }
}
