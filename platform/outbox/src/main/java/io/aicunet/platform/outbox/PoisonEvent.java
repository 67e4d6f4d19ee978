package io.aicunet.platform.outbox;

/**
 * An event that no retry can process: it is dead-lettered and the consumer moves on
 * ({@link EventConsumption}). Thrown by the admission checks ({@link EventAdmission})
 * and by a consumer's own decoding. Anything else that fails while an event is processed
 * counts as an infrastructure failure and is retried, never dead-lettered.
 *
 * <p>The message names the problem and where (a header name, a field path, a size) but
 * never a value of the event: it goes into logs and into the dead letter's headers,
 * and an event's text may be personal data.
 */
public final class PoisonEvent extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an event cannot be processed; the {@code reason} tag of the dead-letter metric. */
    public enum Reason {
        /** Larger than {@code aicunet.consumer.event-bytes-max}. */
        OVERSIZED,
        /** A CloudEvents attribute the fleet requires is missing. */
        MISSING_ATTRIBUTE,
        /** A CloudEvents attribute or the key is not what the fleet writes (id, time, tenant, key). */
        INVALID_ATTRIBUTE,
        /** Text (an attribute, the key or a payload field) holds NUL or another control character. */
        CONTROL_CHARACTER,
        /** {@code ce_source} is not the service that owns the topic. */
        FORGED_SOURCE,
        /** {@code ce_type} is not a type the topic's owner publishes. */
        FOREIGN_TYPE,
        /** The payload is not the protobuf message its type names, or misses a required field. */
        UNDECODABLE,
        /** The database refused the event's data (SQLSTATE class 22, data exception). */
        REFUSED_DATA
    }

    private final Reason reason;

    public PoisonEvent(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public PoisonEvent(Reason reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
