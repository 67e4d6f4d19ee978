package io.aicunet.platform.auditlog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Details sealed with the tenant's data key are not hashed into the record themselves:
 * the record's {@code details} (what its hash covers) are a reference, the ASCII marker
 * {@value #MARKER} followed by the 32-byte SHA-256 of the ciphertext, and the ciphertext
 * is kept beside the record. So the chain commits to the ciphertext through its digest,
 * and the ciphertext can be removed (a data subject's erasure) or become unreadable (the
 * tenant's key destroyed) while every record hash, link and tree still verifies. Where
 * the ciphertext is still present, its digest must match, or the record was altered.
 */
public final class SealedDetails {

    public static final String MARKER = "aicunet.audit.sealed/1:";

    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);

    /** Length of a reference: the marker and the digest. */
    public static final int REFERENCE_LENGTH = MARKER_BYTES.length + Sha256.LENGTH;

    private SealedDetails() {
    }

    /** The details a sealed record's hash covers: the marker and the SHA-256 of the ciphertext's UTF-8. */
    public static byte[] reference(String ciphertext) {
        byte[] reference = Arrays.copyOf(MARKER_BYTES, REFERENCE_LENGTH);
        System.arraycopy(Sha256.of(ciphertext.getBytes(StandardCharsets.UTF_8)), 0, reference, MARKER_BYTES.length,
                Sha256.LENGTH);
        return reference;
    }

    /** Whether {@code details} are a reference to sealed details rather than the details themselves. */
    public static boolean isReference(byte[] details) {
        return details.length == REFERENCE_LENGTH
                && Arrays.equals(details, 0, MARKER_BYTES.length, MARKER_BYTES, 0, MARKER_BYTES.length);
    }

    /** Whether {@code ciphertext} is what the reference {@code details} name. */
    public static boolean matches(byte[] details, String ciphertext) {
        return isReference(details) && Arrays.equals(details, reference(ciphertext));
    }
}
