package io.aicunet.platform.outbox;

import com.google.protobuf.Message;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.mutiny.core.buffer.Buffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Writes events to the outbox table, on the caller's connection, so the event
 * commits or rolls back with the change it announces.
 */
@ApplicationScoped
public class Outbox {

    /** The most events one {@link #appendAll} call writes: a bound on one statement's arrays. */
    public static final int BATCH_EVENTS_MAX = 10_000;

    /** How many parameters {@link #insertFromArrays} takes, from its first one on. */
    public static final int ARRAY_PARAMETERS = 10;

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
                        .addBuffer(Buffer.buffer(event.payload())))
                .replaceWith(event);
    }

    /**
     * Appends the events in the connection's current transaction with one multi-row statement,
     * one round trip whatever their number (at most {@link #BATCH_EVENTS_MAX}).
     */
    public Uni<List<OutboxEvent>> appendAll(SqlConnection connection, List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<OutboxEvent> appended = List.copyOf(events);
        Tuple arrays = Tuple.tuple();
        addArrays(arrays, appended);
        return connection.preparedQuery(insertFromArrays(1)).execute(arrays).replaceWith(appended);
    }

    /**
     * The multi-row INSERT of outbox rows from {@link #ARRAY_PARAMETERS} array parameters
     * numbered from {@code firstParameter}, bound by {@link #addArrays}: for a service that
     * writes its events within a larger statement of its own (the ledger's one-round-trip
     * batch write puts it in a WITH clause), so the outbox's columns stay defined here once.
     */
    public static String insertFromArrays(int firstParameter) {
        if (firstParameter < 1) {
            throw new IllegalArgumentException("parameters are numbered from 1: " + firstParameter);
        }
        String[] types = {"uuid", "text", "text", "smallint", "text", "text", "uuid", "text", "timestamptz", "bytea"};
        StringBuilder arrays = new StringBuilder();
        for (int i = 0; i < types.length; i++) {
            arrays.append(i == 0 ? "" : ", ").append('$').append(firstParameter + i).append("::")
                    .append(types[i]).append("[]");
        }
        return "INSERT INTO outbox_events (event_id, topic, event_key, bucket, event_type, source, tenant_id,"
                + " aggregate_id, occurred_at, payload) SELECT e.* FROM unnest(" + arrays + ") AS e";
    }

    /** Adds the {@link #ARRAY_PARAMETERS} arrays {@link #insertFromArrays} reads, in its order. */
    public static void addArrays(Tuple tuple, List<OutboxEvent> events) {
        if (events.size() > BATCH_EVENTS_MAX) {
            throw new IllegalArgumentException(events.size() + " events in one outbox write, at most "
                    + BATCH_EVENTS_MAX);
        }
        int count = events.size();
        UUID[] ids = new UUID[count];
        String[] topics = new String[count];
        String[] keys = new String[count];
        Short[] buckets = new Short[count];
        String[] types = new String[count];
        String[] sources = new String[count];
        UUID[] tenants = new UUID[count];
        String[] aggregates = new String[count];
        OffsetDateTime[] occurredAt = new OffsetDateTime[count];
        // The Mutiny tuple has no typed adder for bytea[]; the core client takes core Buffer[].
        io.vertx.core.buffer.Buffer[] payloads = new io.vertx.core.buffer.Buffer[count];
        for (int i = 0; i < count; i++) {
            OutboxEvent event = events.get(i);
            ids[i] = event.eventId();
            topics[i] = event.topic();
            keys[i] = event.key();
            buckets[i] = (short) OutboxRelay.bucketOf(event.key());
            types[i] = event.type();
            sources[i] = event.source();
            tenants[i] = event.tenant().value();
            aggregates[i] = event.aggregateId();
            occurredAt[i] = event.occurredAt().atOffset(ZoneOffset.UTC);
            payloads[i] = io.vertx.core.buffer.Buffer.buffer(event.payload());
        }
        tuple.addArrayOfUUID(ids).addArrayOfString(topics).addArrayOfString(keys).addArrayOfShort(buckets)
                .addArrayOfString(types).addArrayOfString(sources).addArrayOfUUID(tenants)
                .addArrayOfString(aggregates).addArrayOfOffsetDateTime(occurredAt).addValue(payloads);
    }
}
