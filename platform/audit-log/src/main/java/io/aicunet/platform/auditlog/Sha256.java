package io.aicunet.platform.auditlog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the one hash of the audit log, and the hex spelling of hashes in exports. */
public final class Sha256 {

    /** Bytes in a hash. */
    public static final int LENGTH = 32;

    private static final HexFormat HEX = HexFormat.of();

    // MessageDigest is not thread-safe and costly to look up; one per thread is both safe and fast.
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    private Sha256() {
    }

    public static byte[] of(byte[] data) {
        return DIGEST.get().digest(data);
    }

    /** SHA-256 of one prefix byte followed by {@code data}. */
    public static byte[] of(byte prefix, byte[] data) {
        MessageDigest digest = DIGEST.get();
        digest.update(prefix);
        digest.update(data);
        return digest.digest();
    }

    /** SHA-256 of one prefix byte followed by {@code first} and {@code second}. */
    public static byte[] of(byte prefix, byte[] first, byte[] second) {
        MessageDigest digest = DIGEST.get();
        digest.update(prefix);
        digest.update(first);
        digest.update(second);
        return digest.digest();
    }

    public static String hex(byte[] hash) {
        return HEX.formatHex(hash);
    }

    /** The hash spelled in {@code hex}; fails unless it is 64 hex digits. */
    public static byte[] fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a SHA-256 hash is 64 hex digits, was " + hex);
        }
        return HEX.parseHex(hex);
    }
}
