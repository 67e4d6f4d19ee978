package io.aicunet.platform.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Writes an event that cannot be processed to {@code <topic>.dlq.<consumer-group>}: the
 * original key, value and headers unchanged (so it can be replayed as it was), plus
 * headers saying why and from where ({@code aicunet-dlq-*}). Counts it in
 * {@code aicunet_consumer_dead_letters_total{topic,group,reason}}. Logs the reason and
 * the record's coordinates, never its content.
 *
 * <p>An explicit producer rather than SmallRye's {@code failure-strategy=dead-letter-queue}:
 * the audit ingest reads batches and must dead-letter one record of a batch, not all
 * of it; the tenant service reads several topics on one channel, each needing its own
 * dead-letter topic; and only a bad event may be dead-lettered, never one that met a
 * database outage. The producer takes the connection settings of every Kafka client of
 * the service ({@code kafka.*}, Quarkus's {@code default-kafka-broker}), security included.
 */
@ApplicationScoped
public class DeadLetters {

    /** Header: the {@link PoisonEvent.Reason}. */
    public static final String REASON = "aicunet-dlq-reason";
    /** Header: what exactly was wrong (names a header, field or size, never a value). */
    public static final String DETAIL = "aicunet-dlq-detail";
    /** Header: the class of the exception that dead-lettered the record. */
    public static final String EXCEPTION = "aicunet-dlq-exception";
    public static final String TOPIC = "aicunet-dlq-topic";
    public static final String PARTITION = "aicunet-dlq-partition";
    public static final String OFFSET = "aicunet-dlq-offset";
    public static final String GROUP = "aicunet-dlq-group";
    /** Header: when the record was dead-lettered (RFC 3339). */
    public static final String AT = "aicunet-dlq-at";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final Map<String, Object> kafkaSettings;
    private final MeterRegistry meters;
    private final ConsumptionConfig config;
    private volatile KafkaProducer<String, byte[]> producer;

    public DeadLetters(@Identifier("default-kafka-broker") Map<String, Object> kafkaSettings, MeterRegistry meters,
                       ConsumptionConfig config) {
        this.kafkaSettings = KafkaClientSettings.of(kafkaSettings);
        this.meters = meters;
        this.config = config;
    }

    /** The dead-letter topic of a topic read by a consumer group. */
    public static String topicOf(String topic, String group) {
        return topic + ".dlq." + group;
    }

    /**
     * Sends the record to its dead-letter topic; completes once Kafka has it. Kafka being
     * away is an infrastructure failure: the send is retried until it succeeds, and the
     * consumer's offset does not move past the record before then.
     */
    public Uni<Void> send(ConsumerRecord<String, byte[]> record, String group, PoisonEvent poison) {
        String target = topicOf(record.topic(), group);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(REASON, utf8(poison.reason().name()));
        headers.add(DETAIL, utf8(String.valueOf(poison.getMessage())));
        Throwable origin = poison.getCause() == null ? poison : poison.getCause();
        headers.add(EXCEPTION, utf8(origin.getClass().getName()));
        headers.add(TOPIC, utf8(record.topic()));
        headers.add(PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(OFFSET, utf8(Long.toString(record.offset())));
        headers.add(GROUP, utf8(group));
        headers.add(AT, utf8(Instant.now().toString()));
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(target, null, record.key(), record.value(),
                headers);
        return Uni.createFrom().completionStage(() -> {
                    java.util.concurrent.CompletableFuture<Void> sent = new java.util.concurrent.CompletableFuture<>();
                    producer().send(letter, (metadata, failure) -> {
                        if (failure == null) {
                            sent.complete(null);
                        } else {
                            sent.completeExceptionally(failure);
                        }
                    });
                    return sent;
                })
                // send() may wait for the topic's metadata (a dead-letter topic is created on first use).
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(Duration.ofMillis(config.deadLetterSendTimeoutMillis())).fail()
                .onFailure().invoke(failure -> LOG.warnf("cannot write the dead letter of %s/%d@%d to %s yet, "
                        + "retrying: %s", record.topic(), record.partition(), record.offset(), target, failure))
                .onFailure().retry().withBackOff(Duration.ofMillis(config.retryBackoffMillis()),
                        Duration.ofMillis(config.retryBackoffMaxMillis())).indefinitely()
                .invoke(() -> {
                    meters.counter("aicunet.consumer.dead.letters", "topic", record.topic(), "group", group,
                            "reason", poison.reason().name()).increment();
                    LOG.warnf("dead-lettered %s/%d@%d of group %s to %s: %s (%s)", record.topic(),
                            record.partition(), record.offset(), group, target, poison.reason(),
                            poison.getMessage());
                });
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> settings = new HashMap<>(kafkaSettings);
                    settings.put(ProducerConfig.ACKS_CONFIG, "all");
                    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    settings.put(ProducerConfig.CLIENT_ID_CONFIG, "dead-letters-" + java.util.UUID.randomUUID());
                    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                            (int) Math.max(config.deadLetterSendTimeoutMillis(), 1000));
                    settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                            (int) Math.max(config.deadLetterSendTimeoutMillis() / 2, 500));
                    settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.deadLetterSendTimeoutMillis());
                    settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
                    producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
                }
                current = producer;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        KafkaProducer<String, byte[]> current = producer;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
