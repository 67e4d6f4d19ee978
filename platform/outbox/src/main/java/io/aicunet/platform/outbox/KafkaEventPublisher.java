package io.aicunet.platform.outbox;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes outbox events to Kafka as binary-mode CloudEvents. The producer is
 * idempotent with acks from all in-sync replicas, so a retried send neither
 * duplicates nor reorders records within a partition.
 */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {

    private final Producer<String, byte[]> producer;

    public KafkaEventPublisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /** A publisher with the fleet's producer settings; {@code overrides} win over them. */
    public static KafkaEventPublisher connect(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay");
        config.putAll(overrides);
        return new KafkaEventPublisher(
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()));
    }

    @Override
    public Uni<Void> publish(List<OutboxEvent> events) {
        // send() may block while it fetches metadata: keep it off the event loop.
        return Uni.createFrom().completionStage(() -> sendAll(events))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private CompletableFuture<Void> sendAll(List<OutboxEvent> events) {
        CompletableFuture<?>[] acks = new CompletableFuture<?>[events.size()];
        for (int i = 0; i < events.size(); i++) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks[i] = ack;
            producer.send(toRecord(events.get(i)), (metadata, failure) -> {
                if (failure == null) {
                    ack.complete(null);
                } else {
                    ack.completeExceptionally(failure);
                }
            });
        }
        return CompletableFuture.allOf(acks);
    }

    static ProducerRecord<String, byte[]> toRecord(OutboxEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.SPEC_VERSION, utf8(CloudEventHeaders.SPEC_VERSION_VALUE));
        headers.add(CloudEventHeaders.ID, utf8(event.eventId().toString()));
        headers.add(CloudEventHeaders.SOURCE, utf8(event.source()));
        headers.add(CloudEventHeaders.TYPE, utf8(event.type()));
        headers.add(CloudEventHeaders.TIME, utf8(event.occurredAt().toString()));
        headers.add(CloudEventHeaders.SUBJECT, utf8(event.aggregateId()));
        headers.add(CloudEventHeaders.TENANT, utf8(event.tenant().toString()));
        headers.add(CloudEventHeaders.CONTENT_TYPE, utf8(CloudEventHeaders.PROTOBUF_CONTENT_TYPE));
        return new ProducerRecord<>(event.topic(), null, event.key(), event.payload(), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
