package io.aicunet.platform.outbox;

/**
 * Kafka header names of the CloudEvents Kafka protocol binding, binary content mode,
 * plus the fleet's {@code tenant} extension. {@code ce_dataschema} names the payload's
 * protobuf message; records published before it existed have none.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String TENANT = "ce_tenant";
    /** The payload's schema: {@link #DATA_SCHEMA_SCHEME} and the protobuf full name of its message. */
    public static final String DATA_SCHEMA = "ce_dataschema";
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String PROTOBUF_CONTENT_TYPE = "application/protobuf";

    /**
     * The URI scheme of the fleet's {@code dataschema}: {@code proto:<full message name>}, e.g.
     * {@code proto:aicunet.ledger.v1.TransferCreated} (docs/contracts.md, "Event schemas").
     */
    public static final String DATA_SCHEMA_SCHEME = "proto:";

    /** The {@code dataschema} of a payload whose message has the protobuf full name {@code messageName}. */
    public static String dataSchemaOf(String messageName) {
        return DATA_SCHEMA_SCHEME + messageName;
    }

    /**
     * The protobuf full name a {@code dataschema} names; empty when it is not of the
     * fleet's form ({@code proto:} followed by a name).
     */
    public static java.util.Optional<String> messageNameOf(String dataSchema) {
        if (!dataSchema.startsWith(DATA_SCHEMA_SCHEME) || dataSchema.length() == DATA_SCHEMA_SCHEME.length()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(dataSchema.substring(DATA_SCHEMA_SCHEME.length()));
    }

    private CloudEventHeaders() {
    }
}
