package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records that no consumer of the fleet may choke on, written straight to the local
 * stack's Kafka as an attacker or a buggy producer would, and what the tests look for
 * afterwards: the record in {@code <topic>.dlq.<group>} with its reason, and the
 * service still ready. A good record is built first ({@link #cloudEvent}), then spoiled
 * ({@link #withHeader}, {@link #withValue}, {@link #oversized}).
 */
public final class PoisonEvents {

    /** The dead letter's reason header (platform/outbox DeadLetters.REASON). */
    public static final String REASON = "aicunet-dlq-reason";
    /** A text with a NUL byte in it, as in the incidents of issue 13. */
    public static final String WITH_NUL = "unpaid\u0000invoice";
    /** A payload that is no protobuf message: 0xff starts a field of wire type 7, which does not exist. */
    public static final byte[] UNDECODABLE = {(byte) 0xff, (byte) 0xff, (byte) 0xff};

    private static final Duration WAIT = Duration.ofSeconds(60);

    private PoisonEvents() {
    }

    /** A well-formed fleet CloudEvent, as the owner's outbox relay writes it (binary mode, keyed by tenant). */
    public static ProducerRecord<String, byte[]> cloudEvent(String topic, String type, String source, UUID tenant,
                                                            byte[] payload) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", utf8("1.0"));
        headers.add("ce_id", utf8(UUID.randomUUID().toString()));
        headers.add("ce_source", utf8(source));
        headers.add("ce_type", utf8(type));
        headers.add("ce_time", utf8(Instant.now().toString()));
        headers.add("ce_subject", utf8(tenant.toString()));
        headers.add("ce_tenant", utf8(tenant.toString()));
        headers.add("content-type", utf8("application/protobuf"));
        return new ProducerRecord<>(topic, null, tenant.toString(), payload, headers);
    }

    /** The record with one header replaced. */
    public static ProducerRecord<String, byte[]> withHeader(ProducerRecord<String, byte[]> record, String name,
                                                            String value) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().equals(name)) {
                headers.add(header);
            }
        }
        headers.add(name, utf8(value));
        return new ProducerRecord<>(record.topic(), null, record.key(), record.value(), headers);
    }

    /** The record with another value. */
    public static ProducerRecord<String, byte[]> withValue(ProducerRecord<String, byte[]> record, byte[] value) {
        return new ProducerRecord<>(record.topic(), null, record.key(), value, record.headers());
    }

    /** The record with a value of {@code bytes} bytes (above the consumers' 512 KiB, below the broker's 1 MiB). */
    public static ProducerRecord<String, byte[]> oversized(ProducerRecord<String, byte[]> record, int bytes) {
        byte[] value = Arrays.copyOf(record.value(), bytes);
        return withValue(record, value);
    }

    /** The event id of a record. */
    public static String idOf(ProducerRecord<String, byte[]> record) {
        return new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8);
    }

    /** The value of a header of a consumed record, if it has it. */
    public static Optional<String> header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** Sends the records in order, each acknowledged by the broker before the next. */
    @SafeVarargs
    public static void send(ProducerRecord<String, byte[]>... records) {
        Map<String, Object> settings = new java.util.HashMap<>(FleetStack.kafkaAdminSettings());
        settings.put("acks", "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings,
                new StringSerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the test records to Kafka", e);
        }
    }

    /**
     * Waits for the dead letter of the record with event id {@code eventId} on {@code deadLetterTopic};
     * returns it.
     */
    public static ConsumerRecord<String, byte[]> awaitDeadLetter(TopicReader deadLetters, String eventId) {
        return deadLetters.readUntil(read -> find(read, eventId).isPresent(), WAIT).stream()
                .filter(record -> header(record, "ce_id").orElse("").equals(eventId))
                .findFirst().orElseThrow();
    }

    /** Waits for a dead letter that has {@code marker} in its value (for records without a usable ce_id). */
    public static ConsumerRecord<String, byte[]> awaitDeadLetterWithValue(TopicReader deadLetters, byte[] marker) {
        return deadLetters.readUntil(read -> read.stream().anyMatch(r -> Arrays.equals(r.value(), marker)), WAIT)
                .stream().filter(r -> Arrays.equals(r.value(), marker)).findFirst().orElseThrow();
    }

    private static Optional<ConsumerRecord<String, byte[]>> find(List<ConsumerRecord<String, byte[]>> read,
                                                                 String eventId) {
        return read.stream().filter(record -> header(record, "ce_id").orElse("").equals(eventId)).findFirst();
    }

    /** Asserts that the service's readiness check answers UP (HTTP 200). */
    public static void assertReady(URL service) {
        try {
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(service.getProtocol() + "://" + service.getHost() + ":" + service.getPort()
                                    + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("readiness: %s", ready.body()).isEqualTo(200);
        } catch (java.io.IOException e) {
            throw new AssertionError("readiness check unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
