package io.aicunet.platform.outbox;

import com.google.protobuf.Message;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.mutiny.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    /** The namespace of {@link #derivedEventId}'s names: fixed, so that every replica derives the same ids. */
    static final UUID EVENT_ID_NAMESPACE = UUID.fromString("6f1c3a52-9f0e-4d5b-8a47-2f7c9e3b1d60");

    private final OutboxConfig config;

    public Outbox(OutboxConfig config) {
        this.config = config;
    }

    /**
     * A new event about {@code aggregateId} of {@code tenant}, on topic
     * {@code <prefix><topic>}, whose type is the payload's protobuf full name.
     */
    public OutboxEvent event(String topic, TenantId tenant, String aggregateId, Message payload) {
        return event(UUID.randomUUID(), topic, tenant, aggregateId, payload);
    }

    /**
     * The one event of its type {@code aggregateId} of {@code tenant} ever has (a transfer's
     * creation): its id is derived from the source, topic, type, tenant and aggregate
     * ({@link #derivedEventId}) instead of drawn at random. A change that a failover or a
     * restore lost after its event went out, and that the client's retry makes again,
     * announces itself under the id consumers already saw, so they (the audit log, inboxes)
     * take it once.
     */
    public OutboxEvent soleEvent(String topic, TenantId tenant, String aggregateId, Message payload) {
        UUID id = derivedEventId(config.source(), prefixed(topic), payload.getDescriptorForType().getFullName(),
                tenant, aggregateId);
        return event(id, topic, tenant, aggregateId, payload);
    }

    private OutboxEvent event(UUID id, String topic, TenantId tenant, String aggregateId, Message payload) {
        return new OutboxEvent(
                id,
                prefixed(topic),
                payload.getDescriptorForType().getFullName(),
                config.source(),
                tenant,
                aggregateId,
                Instant.now(),
                payload.toByteArray());
    }

    /** The topic as this service's events carry it: with {@code aicunet.outbox.topic-prefix}. */
    private String prefixed(String topic) {
        return config.topicPrefix().orElse("") + topic;
    }

    /**
     * A name-based UUID (version 5, SHA-1, RFC 9562) of the event's source, topic, type,
     * tenant and aggregate, each length-prefixed so that no two different tuples share a name.
     * The id {@link #soleEvent} gives; {@code topic} with its prefix, as the event carries it.
     */
    public static UUID derivedEventId(String source, String topic, String type, TenantId tenant, String aggregateId) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
        sha1.update(uuidBytes(EVENT_ID_NAMESPACE));
        for (String part : List.of(source, topic, type, tenant.toString(), aggregateId)) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha1.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha1.update(bytes);
        }
        byte[] hash = sha1.digest();
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bits.getLong(), bits.getLong());
    }

    private static byte[] uuidBytes(UUID uuid) {
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
                .array();
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
