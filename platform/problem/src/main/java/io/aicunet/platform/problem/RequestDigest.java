package io.aicunet.platform.problem;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * SHA-256 of what a client asked for, stored with its idempotency key (or with the row the
 * request made): a retry with the same key is a replay when its digest matches, a conflict when
 * it does not. The fleet's one encoding, pure Java so domain code may use it.
 *
 * <p>The encoding (pinned by RequestDigestTest; changing it makes every stored digest mismatch
 * its retry): fields are fed straight into SHA-256 in the order given, with no separator, each
 * as a fixed-size value or with its length first, so for one operation's fixed sequence of
 * field kinds no two different requests share bytes (start with the operation's name as text
 * where several operations share a key space):
 * <ul>
 * <li>{@link Builder#uuid(Optional) uuid}: one byte 1 then the 16 bytes (most significant half
 * first), or one byte 0 when absent;</li>
 * <li>{@link Builder#number number}: 8 bytes, big-endian two's complement;
 * {@link Builder#flag flag} is the number 1 or 0;</li>
 * <li>{@link Builder#text text}: its UTF-8 length as a number, then the UTF-8 bytes;</li>
 * <li>{@link Builder#textMap textMap}: the entry count as a number, then key and value of each
 * entry as text, in key order (so any spelling of the same map matches).</li>
 * </ul>
 * This is the ledger's transfer digest encoding (ledger's transfers keep their digests forever),
 * made the fleet's.
 */
public record RequestDigest(byte[] bytes) {

    /** Bytes of a SHA-256 digest. */
    public static final int SIZE_BYTES = 32;

    public RequestDigest {
        if (bytes == null || bytes.length != SIZE_BYTES) {
            throw new IllegalArgumentException("a request digest is " + SIZE_BYTES + " bytes of SHA-256");
        }
        bytes = bytes.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RequestDigest digest && Arrays.equals(bytes, digest.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Lowercase hex, as logs and tests show it. */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }

    /** Feeds a request's fields into SHA-256 in the fleet's one encoding (see {@link RequestDigest}). */
    public static final class Builder {

        private final MessageDigest sha256;
        private final ByteBuffer scratch = ByteBuffer.allocate(17);

        private Builder() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }

        public Builder uuid(UUID value) {
            return uuid(Optional.of(value));
        }

        public Builder uuid(Optional<UUID> value) {
            scratch.clear();
            if (value.isPresent()) {
                scratch.put((byte) 1).putLong(value.get().getMostSignificantBits())
                        .putLong(value.get().getLeastSignificantBits());
            } else {
                scratch.put((byte) 0);
            }
            sha256.update(scratch.array(), 0, scratch.position());
            return this;
        }

        public Builder number(long value) {
            scratch.clear();
            scratch.putLong(value);
            sha256.update(scratch.array(), 0, Long.BYTES);
            return this;
        }

        public Builder flag(boolean value) {
            return number(value ? 1 : 0);
        }

        public Builder text(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            number(utf8.length);
            sha256.update(utf8);
            return this;
        }

        public Builder textMap(Map<String, String> map) {
            number(map.size());
            new TreeMap<>(map).forEach((key, value) -> text(key).text(value));
            return this;
        }

        /** The digest; the builder is spent. */
        public RequestDigest build() {
            return new RequestDigest(sha256.digest());
        }
    }
}
