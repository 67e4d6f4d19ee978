package io.aicunet.platform.outbox;

import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One event as it is stored in the outbox and published to Kafka: a CloudEvent in
 * binary mode whose data is a protobuf message. The key is the tenant id, so a
 * tenant's events stay in one partition, in order.
 *
 * @param type        the CloudEvents type: the payload's protobuf full name,
 *                    e.g. {@code aicunet.tenant.v1.TenantCreated}
 * @param source      the CloudEvents source, e.g. {@code /aicunet/tenant}
 * @param aggregateId the id of what changed; the CloudEvents subject
 */
public record OutboxEvent(
        UUID eventId,
        String topic,
        String type,
        String source,
        TenantId tenant,
        String aggregateId,
        Instant occurredAt,
        byte[] payload) {

    public OutboxEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
    }

    /** The Kafka record key. */
    public String key() {
        return tenant.toString();
    }
}
