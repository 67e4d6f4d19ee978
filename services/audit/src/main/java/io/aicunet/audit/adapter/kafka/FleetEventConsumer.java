package io.aicunet.audit.adapter.kafka;

import io.aicunet.audit.application.contract.FleetEventPayloads;
import io.aicunet.audit.application.ingest.IngestEvents;
import io.aicunet.audit.application.ingest.IngestEvents.IncomingEvent;
import io.aicunet.platform.outbox.EventConsumption;
import io.aicunet.platform.outbox.EventConsumption.Admitted;
import io.aicunet.platform.outbox.PoisonEvent;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes every event topic of the fleet in batches. A batch is acknowledged (and its
 * offsets become committable) only when its transaction committed, so an event Kafka
 * considers consumed is in the log or in its dead-letter topic.
 *
 * <p>Through the platform's {@link EventConsumption}: each record is checked against the
 * owner of its topic (a TransferCreated on ledger.transfers.v1 only from the ledger), and
 * its payload against its type; a record that fails (a NUL byte in {@code ce_subject} once
 * stopped ingestion for every tenant) goes to {@code <topic>.dlq.<group>} and the rest of
 * the batch is logged. A failing batch is retried with back-off until the database takes
 * it; if the database refuses a batch's data, its records are ingested one by one and only
 * the refused one is dead-lettered.
 */
@ApplicationScoped
public class FleetEventConsumer {

    static final String CHANNEL = "fleet-events";

    private final IngestEvents ingest;
    private final EventConsumption consumption;
    private final MeterRegistry meters;

    public FleetEventConsumer(IngestEvents ingest, EventConsumption consumption, MeterRegistry meters) {
        this.ingest = ingest;
        this.consumption = consumption;
        this.meters = meters;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>(records.count());
        records.forEach(all::add);
        return consumption.admitAll(CHANNEL, all).flatMap(this::readablePayloads).flatMap(this::ingestBatch);
    }

    /** The admitted records whose payload is readable; the others are dead-lettered. */
    private Uni<List<Admitted>> readablePayloads(List<Admitted> admitted) {
        List<Admitted> readable = new ArrayList<>(admitted.size());
        Uni<Void> letters = Uni.createFrom().voidItem();
        for (Admitted each : admitted) {
            try {
                FleetEventPayloads.requireReadable(each.event().type(), each.event().payload());
                readable.add(each);
            } catch (PoisonEvent poison) {
                letters = letters.chain(() -> consumption.deadLetter(CHANNEL, each.record(), poison));
            }
        }
        return letters.replaceWith(readable);
    }

    private Uni<Void> ingestBatch(List<Admitted> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<IncomingEvent> events = batch.stream().map(FleetEventConsumer::toEvent).toList();
        return consumption.retryInfrastructure(CHANNEL, "ingest of " + events.size() + " events",
                        Uni.createFrom().deferred(() -> ingest.ingest(events)))
                .invoke(appended -> count(appended, events.size()))
                .replaceWithVoid()
                .onFailure(EventConsumption::isPoison).recoverWithUni(refused -> ingestOneByOne(batch));
    }

    /** After the database refused a batch's data: each record alone, dead-lettering the refused ones. */
    private Uni<Void> ingestOneByOne(List<Admitted> batch) {
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(one -> consumption.retryInfrastructure(CHANNEL,
                                "ingest of " + one.record().topic() + "/" + one.record().partition() + "@"
                                        + one.record().offset(),
                                Uni.createFrom().deferred(() -> ingest.ingest(List.of(toEvent(one)))))
                        .invoke(appended -> count(appended, 1))
                        .replaceWithVoid()
                        .onFailure(EventConsumption::isPoison)
                        .recoverWithUni(refused -> consumption.deadLetter(CHANNEL, one.record(), refused)))
                .collect().asList()
                .replaceWithVoid();
    }

    private void count(int appended, int events) {
        meters.counter("aicunet.audit.ingest.events", "result", "appended").increment(appended);
        meters.counter("aicunet.audit.ingest.events", "result", "duplicate").increment(events - appended);
    }

    /** An admitted record as an event of the log. */
    static IncomingEvent toEvent(Admitted admitted) {
        ReceivedEvent event = admitted.event();
        return new IncomingEvent(event.eventId(), admitted.record().topic(), event.type(), event.source(),
                event.tenant().value(), event.subject(), event.time(), event.payload());
    }
}
