package io.aicunet.platform.outbox;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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

    /** How long a send may wait for the topic's metadata or for buffer space (max.block.ms). */
    public static final int METADATA_WAIT_MILLIS_DEFAULT = 10_000;

    /** How long a record may take from send to acknowledgement, retries included (delivery.timeout.ms). */
    public static final int DELIVERY_TIMEOUT_MILLIS_DEFAULT = 30_000;

    private static final int LINGER_MILLIS = 2;
    private static final int REQUEST_TIMEOUT_MILLIS_MAX = 10_000;

    /**
     * A publisher with the client settings {@code clientSettings} (bootstrap servers and
     * security, e.g. the local stack's tests' own principal) and the relay's delivery
     * settings; {@code overrides} win over the relay's settings.
     */
    public static KafkaEventPublisher connect(Map<String, Object> clientSettings, Map<String, Object> overrides) {
        Map<String, Object> config = producerConfig(clientSettings,
                METADATA_WAIT_MILLIS_DEFAULT, DELIVERY_TIMEOUT_MILLIS_DEFAULT);
        config.putAll(overrides);
        return new KafkaEventPublisher(
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()));
    }

    /**
     * A publisher with the service's Kafka settings (Quarkus's {@code default-kafka-broker}
     * map: every {@code kafka.*} key, so the same bootstrap servers, {@code security.protocol},
     * {@code sasl.*}, {@code ssl.*} and TLS registry configuration as the service's channels)
     * and the relay's own delivery settings over them.
     */
    public static KafkaEventPublisher connect(Map<String, Object> kafkaDefaults, int metadataWaitMillis,
                                              int deliveryTimeoutMillis) {
        return new KafkaEventPublisher(new KafkaProducer<>(
                producerConfig(kafkaDefaults, metadataWaitMillis, deliveryTimeoutMillis),
                new StringSerializer(), new ByteArraySerializer()));
    }

    /**
     * The relay's producer configuration: the service's Kafka settings ({@link
     * KafkaClientSettings}: TLS as its channels) without the keys only a consumer knows (group.id and the like, which the producer would warn about),
     * then the settings the relay's guarantees rest on, which win: acknowledgement by all
     * in-sync replicas, idempotence (a retried send neither duplicates nor reorders within
     * a partition), and bounds on every wait, so that a send never blocks for ever.
     */
    public static Map<String, Object> producerConfig(Map<String, Object> kafkaDefaults, int metadataWaitMillis,
                                                     int deliveryTimeoutMillis) {
        if (!kafkaDefaults.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("the Kafka settings name no bootstrap.servers (set kafka.bootstrap.servers)");
        }
        int requestTimeoutMillis = Math.min(REQUEST_TIMEOUT_MILLIS_MAX, deliveryTimeoutMillis - LINGER_MILLIS);
        if (metadataWaitMillis < 1 || requestTimeoutMillis < 1) {
            throw new IllegalArgumentException("metadataWaitMillis (" + metadataWaitMillis
                    + ") and deliveryTimeoutMillis (" + deliveryTimeoutMillis + ") must be positive");
        }
        Set<String> consumerOnly = new HashSet<>(ConsumerConfig.configNames());
        consumerOnly.removeAll(ProducerConfig.configNames());
        Map<String, Object> config = KafkaClientSettings.of(kafkaDefaults);
        config.keySet().removeAll(consumerOnly);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MILLIS);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, metadataWaitMillis);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMillis);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMillis);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay");
        return config;
    }

    @Override
    public Uni<Void> publish(List<OutboxEvent> events) {
        // send() may block while it fetches metadata: keep it off the event loop.
        return Uni.createFrom().completionStage(() -> sendAll(events))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Sends the batch; completes when every record is acknowledged, or with the first
     * failure. After a failure no further record is sent: with Kafka away, each send could
     * otherwise wait up to max.block.ms in turn, and the batch is published again anyway.
     */
    private CompletableFuture<Void> sendAll(List<OutboxEvent> events) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger unacknowledged = new AtomicInteger(events.size());
        if (events.isEmpty()) {
            done.complete(null);
        }
        for (OutboxEvent event : events) {
            if (done.isDone()) {
                break;
            }
            try {
                producer.send(toRecord(event), (metadata, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else if (unacknowledged.decrementAndGet() == 0) {
                        done.complete(null);
                    }
                });
            } catch (RuntimeException failure) {
                done.completeExceptionally(failure);
            }
        }
        return done;
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
        // The type is the payload's protobuf full name (Outbox.event), so the schema follows from it,
        // here, once for every service and for rows written before this attribute existed.
        headers.add(CloudEventHeaders.DATA_SCHEMA, utf8(CloudEventHeaders.dataSchemaOf(event.type())));
        headers.add(CloudEventHeaders.CONTENT_TYPE, utf8(CloudEventHeaders.PROTOBUF_CONTENT_TYPE));
        return new ProducerRecord<>(event.topic(), null, event.key(), event.payload(), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        // Bounded: records Kafka cannot take stay in the outbox and leave with a later relay.
        producer.close(Duration.ofSeconds(5));
    }
}
