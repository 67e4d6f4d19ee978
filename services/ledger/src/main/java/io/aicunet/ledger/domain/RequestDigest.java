package io.aicunet.ledger.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * SHA-256 of what a client asked for, stored with the transfer: a retry with the same
 * id is a replay when its digest matches, a conflict when it does not.
 */
public record RequestDigest(byte[] bytes) {

    public RequestDigest {
        if (bytes == null || bytes.length != 32) {
            throw new IllegalArgumentException("a request digest is 32 bytes of SHA-256");
        }
        bytes = bytes.clone();
    }

    /**
     * The digest of the fields in order, each written with its length first so that
     * no two different field lists share an encoding.
     */
    public static RequestDigest of(List<String> fields) {
        StringBuilder canonical = new StringBuilder();
        for (String field : fields) {
            canonical.append(field.length()).append(':').append(field).append('\n');
        }
        try {
            return new RequestDigest(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Feeds fields straight into SHA-256: ids as their 16 bytes, numbers as 8, text with
     * its length first, absent values as a marker, so no two field lists collide.
     */
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
            sha256.update(scratch.array(), 0, 8);
            return this;
        }

        public Builder text(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            number(utf8.length);
            sha256.update(utf8);
            return this;
        }

        public RequestDigest build() {
            return new RequestDigest(sha256.digest());
        }
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

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
