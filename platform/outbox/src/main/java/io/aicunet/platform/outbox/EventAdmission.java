package io.aicunet.platform.outbox;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.aicunet.platform.outbox.PoisonEvent.Reason;
import io.aicunet.platform.tenancy.TenantId;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The checks every consumer of the fleet runs on a record before it touches it: the
 * record is not too large, it is a fleet CloudEvent (every attribute present, valid
 * UTF-8 without control characters, a parseable id, time and tenant), and it comes from
 * the service that owns its topic: {@code <service>.<aggregate>.v<N>} (after the run's
 * topic prefix) is written only by {@code /aicunet/<service>}, with types of that
 * service's proto package ({@code aicunet.<service without dashes>.v<N>.}) or of the
 * shared privacy package ({@code aicunet.privacy.v<N>.}), and not a type that
 * {@link EventTopics} puts on another topic; a {@code ce_dataschema}, when present, names
 * the message of {@code ce_type}. A record that fails is a {@link PoisonEvent}. Pure: no
 * framework, no I/O.
 */
public final class EventAdmission {

    private static final Pattern TOPIC = Pattern.compile("([a-z][a-z0-9-]*)\\.[a-z][a-z0-9-]*\\.v[0-9]+");
    private static final Pattern TYPE = Pattern.compile("aicunet\\.([a-z][a-z0-9]*)\\.v[0-9]+\\.[A-Z][A-Za-z0-9]*");
    private static final String SHARED_PACKAGE = "privacy";
    private static final int ATTRIBUTE_CHARS_MAX = 1024;
    private static final List<String> REQUIRED = List.of(CloudEventHeaders.ID, CloudEventHeaders.SOURCE,
            CloudEventHeaders.TYPE, CloudEventHeaders.TIME, CloudEventHeaders.SUBJECT, CloudEventHeaders.TENANT);

    private EventAdmission() {
    }

    /**
     * The record as an event of its topic's owner, or a {@link PoisonEvent} saying why not.
     *
     * @param topicPrefix the run's topic prefix ({@code aicunet.outbox.topic-prefix}), empty outside tests
     * @param bytesMax    the largest record accepted: key, value and headers together
     */
    public static ReceivedEvent admit(ConsumerRecord<String, byte[]> record, String topicPrefix, int bytesMax) {
        long size = sizeOf(record);
        if (size > bytesMax) {
            throw new PoisonEvent(Reason.OVERSIZED, "record of " + size + " bytes is larger than " + bytesMax);
        }
        if (record.key() != null) {
            requireCleanText("key", record.key());
        }
        Map<String, String> attributes = new java.util.HashMap<>();
        for (String name : REQUIRED) {
            attributes.put(name, attribute(record, name));
        }
        String owner = ownerOf(record.topic(), topicPrefix);
        String source = attributes.get(CloudEventHeaders.SOURCE);
        if (!source.equals("/aicunet/" + owner)) {
            throw new PoisonEvent(Reason.FORGED_SOURCE, "ce_source is not /aicunet/" + owner
                    + ", the owner of the topic");
        }
        String type = attributes.get(CloudEventHeaders.TYPE);
        var typeMatch = TYPE.matcher(type);
        if (!typeMatch.matches() || !(typeMatch.group(1).equals(owner.replace("-", ""))
                || typeMatch.group(1).equals(SHARED_PACKAGE))) {
            throw new PoisonEvent(Reason.FOREIGN_TYPE, "ce_type is not a type that " + owner + " publishes");
        }
        Set<String> typeTopics = EventTopics.topicsOf(type);
        if (!typeTopics.isEmpty() && !typeTopics.contains(withoutPrefix(record.topic(), topicPrefix))) {
            throw new PoisonEvent(Reason.FOREIGN_TYPE, "ce_type is registered for another topic (EventTopics)");
        }
        requireDataSchemaOf(record, type);
        UUID id;
        Instant time;
        try {
            id = UUID.fromString(attributes.get(CloudEventHeaders.ID));
        } catch (IllegalArgumentException notUuid) {
            throw new PoisonEvent(Reason.INVALID_ATTRIBUTE, "ce_id is not a UUID");
        }
        try {
            time = Instant.parse(attributes.get(CloudEventHeaders.TIME));
        } catch (DateTimeParseException notTime) {
            throw new PoisonEvent(Reason.INVALID_ATTRIBUTE, "ce_time is not an RFC 3339 time");
        }
        TenantId tenant = TenantId.parse(attributes.get(CloudEventHeaders.TENANT)).orElseThrow(
                () -> new PoisonEvent(Reason.INVALID_ATTRIBUTE, "ce_tenant is not a tenant id"));
        return new ReceivedEvent(id, type, source, tenant, attributes.get(CloudEventHeaders.SUBJECT), time,
                record.key(), record.value() == null ? new byte[0] : record.value());
    }

    /**
     * The service that owns a topic: the first segment of {@code <service>.<aggregate>.v<N>}
     * after the prefix. A topic of another shape has no owner, so nothing on it is admitted.
     */
    public static String ownerOf(String topic, String topicPrefix) {
        var match = TOPIC.matcher(withoutPrefix(topic, topicPrefix));
        if (!match.matches()) {
            throw new PoisonEvent(Reason.FORGED_SOURCE, "topic is not <service>.<aggregate>.v<N>: it has no owner");
        }
        return match.group(1);
    }

    private static String withoutPrefix(String topic, String topicPrefix) {
        return topic.startsWith(topicPrefix) ? topic.substring(topicPrefix.length()) : topic;
    }

    /**
     * When the record has a {@code ce_dataschema}, it must name {@code type}'s message
     * ({@code proto:<type>}): the fleet's types are the payloads' protobuf full names, so a
     * schema naming another message means the payload is not what the type says. A record
     * without one is admitted: events published before the attribute existed have none.
     */
    private static void requireDataSchemaOf(ConsumerRecord<String, byte[]> record, String type) {
        if (record.headers().lastHeader(CloudEventHeaders.DATA_SCHEMA) == null) {
            return;
        }
        String schema = attribute(record, CloudEventHeaders.DATA_SCHEMA);
        if (!CloudEventHeaders.messageNameOf(schema).map(type::equals).orElse(false)) {
            throw new PoisonEvent(Reason.INVALID_ATTRIBUTE, "ce_dataschema does not name the message of ce_type ("
                    + CloudEventHeaders.DATA_SCHEMA_SCHEME + "<ce_type>)");
        }
    }

    /** Fails on NUL and every other control character (Unicode category Cc) in a text. */
    public static String requireCleanText(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.getType(text.charAt(i)) == Character.CONTROL) {
                throw new PoisonEvent(Reason.CONTROL_CHARACTER, field + " holds a control character (U+"
                        + String.format("%04X", (int) text.charAt(i)) + ") at index " + i);
            }
        }
        return text;
    }

    /**
     * Fails when any text field of a decoded payload, at any depth (nested messages,
     * repeated fields, map entries), holds a control character. Text meant to carry line
     * breaks would need its own rule; the fleet's event fields are names, reasons and ids.
     */
    public static <M extends Message> M requireCleanText(M payload) {
        requireCleanText(payload.getDescriptorForType().getName(), payload);
        return payload;
    }

    private static void requireCleanText(String path, Message message) {
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            String fieldPath = path + "." + field.getKey().getName();
            Object value = field.getValue();
            if (value instanceof List<?> values) {
                values.forEach(item -> requireCleanValue(fieldPath, item));
            } else {
                requireCleanValue(fieldPath, value);
            }
        }
    }

    private static void requireCleanValue(String path, Object value) {
        if (value instanceof String text) {
            requireCleanText(path, text);
        } else if (value instanceof Message nested) {
            requireCleanText(path, nested);
        }
    }

    private static String attribute(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null || header.value() == null || header.value().length == 0) {
            throw new PoisonEvent(Reason.MISSING_ATTRIBUTE, "no " + name + " header");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(header.value())).toString();
        } catch (CharacterCodingException notUtf8) {
            throw new PoisonEvent(Reason.INVALID_ATTRIBUTE, name + " is not UTF-8");
        }
        if (text.length() > ATTRIBUTE_CHARS_MAX) {
            throw new PoisonEvent(Reason.OVERSIZED, name + " is longer than " + ATTRIBUTE_CHARS_MAX + " characters");
        }
        return requireCleanText(name, text);
    }

    private static long sizeOf(ConsumerRecord<String, byte[]> record) {
        long size = Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
        if (record.serializedValueSize() < 0 && record.value() != null) {
            size += record.value().length;
        }
        for (Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }
}
