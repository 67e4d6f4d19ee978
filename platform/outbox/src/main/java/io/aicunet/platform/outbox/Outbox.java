package io.aicunet.platform.outbox;

import com.google.protobuf.Message;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Writes events to the outbox table, on the caller's connection, so the event
 * commits or rolls back with the change it announces.
 */
@ApplicationScoped
public class Outbox {

    private final OutboxConfig config;

    public Outbox(OutboxConfig config) {
        this.config = config;
    }

    /**
     * A new event about {@code aggregateId} of {@code tenant}, on topic
     * {@code <prefix><topic>}, whose type is the payload's protobuf full name.
     */
    public OutboxEvent event(String topic, TenantId tenant, String aggregateId, Message payload) {
        return new OutboxEvent(
                UUID.randomUUID(),
                config.topicPrefix().orElse("") + topic,
                payload.getDescriptorForType().getFullName(),
                config.source(),
                tenant,
                aggregateId,
                Instant.now(),
                payload.toByteArray());
    }

    /** Appends the event in the connection's current transaction. */
    public Uni<OutboxEvent> append(SqlConnection connection, OutboxEvent event) {
        return connection.preparedQuery("""
                        INSERT INTO outbox_events
                            (event_id, topic, event_key, bucket, event_type, source, tenant_id, aggregate_id,
                             occurred_at, payload)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
                .execute(Tuple.tuple()
                        .addUUID(event.eventId())
                        .addString(event.topic())
                        .addString(event.key())
                        .addShort((short) OutboxRelay.bucketOf(event.key()))
                        .addString(event.type())
                        .addString(event.source())
                        .addUUID(event.tenant().value())
                        .addString(event.aggregateId())
                        .addOffsetDateTime(event.occurredAt().atOffset(ZoneOffset.UTC))
                        .addBuffer(io.vertx.mutiny.core.buffer.Buffer.buffer(event.payload())))
                .replaceWith(event);
    }
}
