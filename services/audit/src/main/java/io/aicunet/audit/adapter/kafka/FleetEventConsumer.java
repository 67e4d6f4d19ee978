package io.aicunet.audit.adapter.kafka;

import io.aicunet.audit.application.ingest.IngestEvents;
import io.aicunet.audit.application.ingest.IngestEvents.IncomingEvent;
import io.aicunet.audit.domain.AuditRules;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes every event topic of the fleet in batches. A batch is acknowledged (and its
 * offsets become committable) only when its transaction committed, so an event Kafka
 * considers consumed is in the log; a failing batch is retried, with back-off, until
 * the database takes it: nothing is skipped.
 */
@ApplicationScoped
public class FleetEventConsumer {

    private static final Logger LOG = Logger.getLogger(FleetEventConsumer.class);

    private final IngestEvents ingest;
    private final MeterRegistry meters;

    public FleetEventConsumer(IngestEvents ingest, MeterRegistry meters) {
        this.ingest = ingest;
        this.meters = meters;
    }

    @Incoming("fleet-events")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<IncomingEvent> events = new ArrayList<>(records.count());
        records.forEach(record -> events.add(toEvent(record)));
        return Uni.createFrom().deferred(() -> ingest.ingest(events))
                .onFailure().invoke(failure -> LOG.warnf("ingest of %d events failed, retrying: %s", events.size(),
                        failure.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                .invoke(appended -> {
                    meters.counter("aicunet.audit.ingest.events", "result", "appended").increment(appended);
                    meters.counter("aicunet.audit.ingest.events", "result", "duplicate")
                            .increment(events.size() - appended);
                })
                .replaceWithVoid();
    }

    /** The record as an event; a record that is not a fleet CloudEvent is still logged, as malformed. */
    static IncomingEvent toEvent(ConsumerRecord<String, byte[]> record) {
        try {
            ReceivedEvent event = ReceivedEvent.from(record);
            return new IncomingEvent(event.eventId(), record.topic(), event.type(), event.source(),
                    event.tenant().value(), event.subject(), event.time(), record.value(), Optional.empty());
        } catch (RuntimeException malformed) {
            return new IncomingEvent(IngestEvents.idOfMalformed(record.topic(), record.partition(), record.offset()),
                    record.topic(), "aicunet.audit.v1.MalformedEvent", "kafka:" + record.topic(),
                    AuditRules.PLATFORM_LOG, record.topic() + "/" + record.partition() + "@" + record.offset(),
                    Instant.ofEpochMilli(Math.max(0, record.timestamp())), record.value() == null ? new byte[0]
                            : record.value(), Optional.of(String.valueOf(malformed.getMessage())));
        }
    }
}
