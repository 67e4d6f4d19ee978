package io.aicunet.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.aicunet.platform.tenancy.TenantId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Proves the event contracts end to end, without Kafka: every message of every
 * {@code aicunet/<service>/v1/events.proto} is registered on a topic (EventTopics), every
 * registered type is such a message of its topic owner's package (or privacy's), every
 * service's {@code *Events} class publishes exactly the types registered for its
 * {@code TOPIC}; and each (topic, type), populated in every field, goes through the real
 * outbox event ({@link Outbox#event}), the real record encoding
 * ({@link KafkaEventPublisher#toRecord}) and the consumers' admission, then decodes, with the
 * generated class that {@code ce_dataschema} names, to the message that was sent.
 */
class EventContractsTest {

    private static final String PREFIX = "run-1.";

    /** The contracts' event files: one per service package that publishes events, and privacy. */
    private static final List<FileDescriptor> EVENT_FILES = List.of(
            io.aicunet.contracts.tenant.v1.Events.getDescriptor(),
            io.aicunet.contracts.ledger.v1.Events.getDescriptor(),
            io.aicunet.contracts.agentstate.v1.Events.getDescriptor(),
            io.aicunet.contracts.config.v1.Events.getDescriptor(),
            io.aicunet.contracts.privacy.v1.Events.getDescriptor());

    private static final Map<String, Descriptor> EVENT_MESSAGES = eventMessages();

    private static Map<String, Descriptor> eventMessages() {
        Map<String, Descriptor> messages = new TreeMap<>();
        EVENT_FILES.forEach(file -> file.getMessageTypes().forEach(type -> messages.put(type.getFullName(), type)));
        return messages;
    }

    /** Proves: the event files are the ones the contracts have, and each is an events.proto of its package. */
    @Test
    void eventFilesAreEveryEventsProto() throws IOException {
        Path protos = repositoryRoot().resolve("contracts/src/main/proto");
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> files = Files.walk(protos)) {
            files.filter(file -> file.getFileName().toString().equals("events.proto"))
                    .forEach(file -> onDisk.add(protos.relativize(file).toString().replace('\\', '/')));
        }
        Set<String> known = new TreeSet<>();
        EVENT_FILES.forEach(file -> known.add(file.getName()));
        assertThat(known).isEqualTo(onDisk);
        assertThat(EVENT_MESSAGES).hasSize(23);
    }

    /** Proves: every event message is carried by some topic; no registered type is anything else. */
    @Test
    void everyEventMessageHasATopicAndNothingElseDoes() {
        Set<String> registered = new TreeSet<>();
        EventTopics.all().values().forEach(registered::addAll);
        assertThat(registered).as("types registered on topics").isEqualTo(EVENT_MESSAGES.keySet());
        EventTopics.all().forEach((topic, types) -> {
            String owner = EventAdmission.ownerOf(topic, "");
            assertThat(types).as(topic).isNotEmpty().allSatisfy(type -> assertThat(
                    type.startsWith("aicunet." + owner.replace("-", "") + ".v1.")
                            || type.startsWith("aicunet.privacy.v1.")).as(topic + " carries " + type).isTrue());
        });
        assertThat(EventTopics.all()).hasSize(11);
    }

    /**
     * Proves: each service's {@code *Events} class (services/&#42;/application/contract) builds
     * exactly the event messages registered for its {@code TOPIC}, the classes cover every
     * registered topic but the privacy answers, and those are the topics the tenant service
     * reads answers from, written by platform/privacy's {@code PrivacyRequestsConsumer}.
     */
    @Test
    void everyEventsClassPublishesTheRegisteredTypesOfItsTopic() throws IOException {
        Path root = repositoryRoot();
        Pattern topicConstant = Pattern.compile("String TOPIC = \"([^\"]+)\"");
        Pattern contractImport = Pattern.compile("import io\\.aicunet\\.contracts\\.(\\w+)\\.v(\\d+)\\.(\\w+);");
        Map<String, Set<String>> published = new TreeMap<>();
        List<Path> classes;
        try (Stream<Path> files = Files.walk(root.resolve("services"))) {
            classes = files.filter(file -> file.toString().replace('\\', '/').contains("/src/main/java/")
                            && file.getParent().endsWith(Path.of("application", "contract"))
                            && file.getFileName().toString().endsWith("Events.java"))
                    .sorted().toList();
        }
        for (Path file : classes) {
            String source = Files.readString(file);
            Matcher topic = topicConstant.matcher(source);
            if (!topic.find()) {
                continue; // a reader of another service's events (audit's TenantEvents), no TOPIC of its own
            }
            Set<String> types = new TreeSet<>();
            Matcher imported = contractImport.matcher(source);
            while (imported.find()) {
                String type = "aicunet." + imported.group(1) + ".v" + imported.group(2) + "." + imported.group(3);
                if (EVENT_MESSAGES.containsKey(type)) {
                    types.add(type);
                }
            }
            assertThat(types).as(file + " builds events").isNotEmpty();
            assertThat(published.put(topic.group(1), types)).as("a second class for " + topic.group(1)).isNull();
        }
        Map<String, Set<String>> expected = new TreeMap<>(EventTopics.all());
        EventTopics.PRIVACY_ANSWERING_SERVICES.forEach(service -> expected.remove(EventTopics.privacyAnswers(service)));
        assertThat(published).isEqualTo(expected);

        String consumer = Files.readString(root.resolve(
                "platform/privacy/src/main/java/io/aicunet/platform/privacy/PrivacyRequestsConsumer.java"));
        assertThat(consumer).contains("outbox.event(service + \".privacy.v1\"");
        String tenantProperties = Files.readString(root.resolve("services/tenant/src/main/resources/application.properties"));
        Matcher answers = Pattern.compile("mp\\.messaging\\.incoming\\.privacy-answers\\.topics=(.*)")
                .matcher(tenantProperties);
        assertThat(answers.find()).isTrue();
        Set<String> read = new TreeSet<>();
        for (String topic : answers.group(1).split(",")) {
            read.add(topic.trim().replace("${aicunet.outbox.topic-prefix:}", ""));
        }
        Set<String> registeredAnswers = new TreeSet<>();
        EventTopics.PRIVACY_ANSWERING_SERVICES.forEach(service -> registeredAnswers.add(EventTopics.privacyAnswers(service)));
        assertThat(read).isEqualTo(registeredAnswers);
    }

    /**
     * Proves, for each (topic, type) of the registry: the event the outbox builds from a
     * message with every field set is admitted on its topic, its {@code ce_type} and
     * {@code ce_dataschema} name the message, and the generated class they resolve to decodes
     * the record's value to the same message, with no field unknown or lost.
     */
    @TestFactory
    List<DynamicTest> everyEventTypeOfEveryTopicDecodesWithItsDeclaredMessage() {
        List<DynamicTest> tests = new ArrayList<>();
        EventTopics.all().forEach((topic, types) -> types.stream().sorted().forEach(type ->
                tests.add(DynamicTest.dynamicTest(topic + " " + type, () -> roundTrip(topic, type)))));
        assertThat(tests).hasSize(26);
        return tests;
    }

    private static void roundTrip(String topic, String type) throws Exception {
        Descriptor descriptor = EVENT_MESSAGES.get(type);
        assertThat(descriptor).as(type).isNotNull();
        Message sent = parse(generatedClassOf(descriptor), populated(descriptor, 0).toByteArray());
        assertEveryFieldSet(sent);

        String owner = EventAdmission.ownerOf(topic, "");
        TenantId tenant = TenantId.random();
        OutboxEvent event = outbox("/aicunet/" + owner).event(topic, tenant, "aggregate-1", sent);
        ConsumerRecord<String, byte[]> record = received(KafkaEventPublisher.toRecord(event));
        assertThat(record.topic()).isEqualTo(PREFIX + topic);

        ReceivedEvent admitted = EventAdmission.admit(record, PREFIX, 512 * 1024);
        assertThat(admitted.type()).isEqualTo(type);
        String schema = header(record, CloudEventHeaders.DATA_SCHEMA);
        assertThat(schema).isEqualTo("proto:" + type);
        String declared = CloudEventHeaders.messageNameOf(schema).orElseThrow();
        assertThat(declared).isEqualTo(admitted.type());

        Descriptor resolved = EVENT_MESSAGES.get(declared);
        Message decoded = parse(generatedClassOf(resolved), admitted.payload());
        assertThat(decoded).isEqualTo(sent);
        assertThat(decoded.getUnknownFields().asMap()).isEmpty();
        assertEveryFieldSet(decoded);
        EventAdmission.requireCleanText(decoded);
        assertThat(DynamicMessage.parseFrom(resolved, admitted.payload())).isEqualTo(DynamicMessage.newBuilder(resolved)
                .mergeFrom(sent.toByteString()).build());
    }

    /** The generated class of an event message: its file's java_package, one file per message. */
    @SuppressWarnings("unchecked")
    private static Class<? extends Message> generatedClassOf(Descriptor descriptor) throws ClassNotFoundException {
        assertThat(descriptor.getFile().getOptions().getJavaMultipleFiles()).isTrue();
        assertThat(descriptor.getContainingType()).isNull();
        Class<?> type = Class.forName(descriptor.getFile().getOptions().getJavaPackage() + "." + descriptor.getName());
        assertThat(Message.class).isAssignableFrom(type);
        return (Class<? extends Message>) type;
    }

    private static Message parse(Class<? extends Message> type, byte[] bytes) throws Exception {
        return (Message) type.getMethod("parseFrom", byte[].class).invoke(null, (Object) bytes);
    }

    /** A message with every field set to a value that is not its default, two items per repeated field. */
    private static DynamicMessage populated(Descriptor descriptor, int depth) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(descriptor);
        for (FieldDescriptor field : descriptor.getFields()) {
            if (!settable(field)) {
                continue;
            }
            if (field.isRepeated()) {
                for (int i = 0; i < 2; i++) {
                    builder.addRepeatedField(field, value(field, i, depth));
                }
            } else {
                builder.setField(field, value(field, 0, depth));
            }
        }
        return builder.build();
    }

    /** A field of a real oneof is set only when it is its oneof's first: one member at a time. */
    private static boolean settable(FieldDescriptor field) {
        var oneof = field.getRealContainingOneof();
        return oneof == null || oneof.getField(0).equals(field);
    }

    private static Object value(FieldDescriptor field, int index, int depth) {
        return switch (field.getJavaType()) {
            case INT -> 7 + index;
            case LONG -> (1L << 40) + index;
            case FLOAT -> 1.5f + index;
            case DOUBLE -> 2.5 + index;
            case BOOLEAN -> true;
            case STRING -> field.getName() + "-" + index + "-\u00fc\u20ac";
            case BYTE_STRING -> ByteString.copyFromUtf8(field.getName() + "-" + index);
            case ENUM -> lastValue(field);
            case MESSAGE -> depth > 6 ? DynamicMessage.getDefaultInstance(field.getMessageType())
                    : populatedEntry(field, index, depth);
        };
    }

    private static DynamicMessage populatedEntry(FieldDescriptor field, int index, int depth) {
        if (!field.isMapField()) {
            return populated(field.getMessageType(), depth + 1);
        }
        Descriptor entry = field.getMessageType();
        return DynamicMessage.newBuilder(entry)
                .setField(entry.findFieldByName("key"), value(entry.findFieldByName("key"), index, depth))
                .setField(entry.findFieldByName("value"), value(entry.findFieldByName("value"), index, depth))
                .build();
    }

    private static EnumValueDescriptor lastValue(FieldDescriptor field) {
        List<EnumValueDescriptor> values = field.getEnumType().getValues();
        return values.get(values.size() - 1);
    }

    /** Every settable field, at every depth, holds a value after the round trip. */
    private static void assertEveryFieldSet(Message message) {
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (!settable(field)) {
                continue;
            }
            String name = message.getDescriptorForType().getFullName() + "." + field.getName();
            if (field.isRepeated()) {
                assertThat(message.getRepeatedFieldCount(field)).as(name).isEqualTo(2);
                Object first = message.getRepeatedField(field, 0);
                if (first instanceof Message nested && !field.isMapField()) {
                    assertEveryFieldSet(nested);
                }
            } else if (field.getJavaType() != FieldDescriptor.JavaType.ENUM
                    || field.getEnumType().getValues().size() > 1) {
                assertThat(message.hasField(field)).as(name).isTrue();
                if (message.getField(field) instanceof Message nested) {
                    assertEveryFieldSet(nested);
                }
            }
        }
    }

    private static Outbox outbox(String source) {
        return OutboxTestDatabase.outbox(source, PREFIX);
    }

    /** The record as a consumer receives it: key, value and headers as the producer sent them. */
    private static ConsumerRecord<String, byte[]> received(ProducerRecord<String, byte[]> sent) {
        RecordHeaders headers = new RecordHeaders();
        sent.headers().forEach(headers::add);
        return new ConsumerRecord<>(sent.topic(), 0, 0L, 0L, TimestampType.CREATE_TIME,
                sent.key().getBytes(StandardCharsets.UTF_8).length, sent.value().length, sent.key(), sent.value(),
                headers, Optional.empty());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as(name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The repository's root: this module is platform/outbox, and the tests run in its directory. */
    private static Path repositoryRoot() {
        Path module = Path.of("").toAbsolutePath();
        Path root = module.getParent().getParent();
        if (!Files.isDirectory(root.resolve("services")) || !Files.isDirectory(root.resolve("contracts"))) {
            throw new UncheckedIOException(new IOException("not in platform/outbox of the fleet's repository: " + module));
        }
        return root;
    }
}
