package io.aicunet.platform.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs this replica's outbox relay on a short tick, and reports relay lag (age of
 * the oldest waiting event) and published events as metrics.
 */
@ApplicationScoped
public class OutboxRelayScheduler {

    private static final Logger LOG = Logger.getLogger(OutboxRelayScheduler.class);

    private final OutboxConfig config;
    private final OutboxRelay relay;
    private final KafkaEventPublisher publisher;
    private final MeterRegistry meters;
    private final AtomicReference<Double> lagSeconds = new AtomicReference<>(0.0);

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

    @Scheduled(every = "${aicunet.outbox.poll-interval:0.2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = RelayDisabled.class)
    Uni<Void> tick() {
        return pass(config.passBatchesMax())
                .flatMap(ignored -> relay.lagSeconds())
                .invoke(lagSeconds::set)
                .onFailure().invoke(failure -> LOG.warnf("outbox relay pass failed, will retry: %s", failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Relays until the outbox is drained or {@code batchesLeft} passes ran. */
    private Uni<Void> pass(int batchesLeft) {
        return relay.relayOnce().flatMap(published -> {
            meters.counter("aicunet.outbox.events.published").increment(published);
            return published > 0 && batchesLeft > 1 ? pass(batchesLeft - 1) : Uni.createFrom().voidItem();
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        publisher.close();
    }

    /** Skips the tick when this replica's relay is switched off. */
    @ApplicationScoped
    public static class RelayDisabled implements Scheduled.SkipPredicate {

        private final OutboxConfig config;

        public RelayDisabled(OutboxConfig config) {
            this.config = config;
        }

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !config.relayEnabled();
        }
    }
}
