package io.aicunet.platform.auditlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The canonical encoding of a record, the bytes its hash is taken over. Fixed forever
 * for version 1, so that an export verifies decades later:
 *
 * <pre>
 * "aicunet.audit.record/1"            22 ASCII bytes (domain separation from tree heads)
 * tenant id                            16 bytes (UUID, most significant half first)
 * sequence                             8 bytes, big-endian
 * record id                            16 bytes
 * occurred at, recorded at             8 bytes each: microseconds since the epoch, big-endian
 * origin, actor, action, resource,
 * outcome, reason, correlation id      each a 4-byte big-endian length, then UTF-8
 * details                              a 4-byte big-endian length, then the bytes
 * previous hash                        32 bytes
 * </pre>
 *
 * Every variable field carries its length, so no two different records share an encoding.
 */
public final class RecordEncoding {

    private static final byte[] MAGIC = "aicunet.audit.record/1".getBytes(StandardCharsets.US_ASCII);

    private RecordEncoding() {
    }

    public static byte[] encode(AuditRecord record) {
        byte[][] texts = {
                utf8(record.origin()), utf8(record.actor()), utf8(record.action()), utf8(record.resource()),
                utf8(record.outcome()), utf8(record.reason()), utf8(record.correlationId())};
        int size = MAGIC.length + 16 + 8 + 16 + 8 + 8 + 4 + record.details().length + Sha256.LENGTH;
        for (byte[] text : texts) {
            size += 4 + text.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.put(MAGIC);
        putUuid(buffer, record.tenantId());
        buffer.putLong(record.sequence());
        putUuid(buffer, record.recordId());
        buffer.putLong(micros(record.occurredAt()));
        buffer.putLong(micros(record.recordedAt()));
        for (byte[] text : texts) {
            buffer.putInt(text.length).put(text);
        }
        buffer.putInt(record.details().length).put(record.details());
        buffer.put(record.previousHash());
        return buffer.array();
    }

    /** SHA-256 of the canonical encoding: what the next record links to and the Merkle leaf's data. */
    public static byte[] recordHash(AuditRecord record) {
        return Sha256.of(encode(record));
    }

    /** Microseconds since the epoch: the precision of every time in the log. */
    public static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /** The instant cut to microseconds, as the log stores and encodes it. */
    public static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    static void putUuid(ByteBuffer buffer, UUID id) {
        buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
