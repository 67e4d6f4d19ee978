package io.aicunet.platform.outbox;

/**
 * Kafka header names of the CloudEvents Kafka protocol binding, binary content mode,
 * plus the fleet's {@code tenant} extension.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String TENANT = "ce_tenant";
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String PROTOBUF_CONTENT_TYPE = "application/protobuf";

    private CloudEventHeaders() {
    }
}
