package io.aicunet.platform.outbox;

import io.aicunet.platform.tenancy.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** A CloudEvent read back from a Kafka record written by the relay. */
public record ReceivedEvent(
        UUID eventId, String type, String source, TenantId tenant, String subject, Instant time,
        String key, byte[] payload) {

    /** Reads the CloudEvents headers; fails on a record that is not a fleet CloudEvent. */
    public static ReceivedEvent from(ConsumerRecord<String, byte[]> record) {
        return new ReceivedEvent(
                UUID.fromString(header(record, CloudEventHeaders.ID)),
                header(record, CloudEventHeaders.TYPE),
                header(record, CloudEventHeaders.SOURCE),
                TenantId.parse(header(record, CloudEventHeaders.TENANT)).orElseThrow(
                        () -> new IllegalArgumentException("ce_tenant is not a tenant id")),
                header(record, CloudEventHeaders.SUBJECT),
                Instant.parse(header(record, CloudEventHeaders.TIME)),
                record.key(),
                record.value());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            throw new IllegalArgumentException("record at " + record.topic() + "/" + record.partition() + "@"
                    + record.offset() + " has no " + name + " header");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
