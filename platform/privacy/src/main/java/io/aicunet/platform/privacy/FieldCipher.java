package io.aicunet.platform.privacy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Encrypts personal fields with a tenant's data key ({@link AesGcm}, the tenant id as
 * associated data so a ciphertext cannot be moved to another tenant). A ciphertext is
 * text, {@code aes1:<key id>:<base64>}, so it fits text and JSON columns and names the
 * key it needs. Once the tenant's key is destroyed, no ciphertext of it can be read.
 */
public final class FieldCipher {

    public static final String PREFIX = "aes1:";

    private FieldCipher() {
    }

    public static String encrypt(DataKey key, String plaintext) {
        byte[] sealed = AesGcm.seal(key.material(), associatedData(key), plaintext.getBytes(StandardCharsets.UTF_8));
        return PREFIX + key.keyId() + ":" + Base64.getEncoder().encodeToString(sealed);
    }

    /** The key id a ciphertext needs, or empty when the text is not a ciphertext of this format. */
    public static Optional<String> keyIdOf(String ciphertext) {
        if (ciphertext == null || !ciphertext.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int end = ciphertext.indexOf(':', PREFIX.length());
        return end < 0 ? Optional.empty() : Optional.of(ciphertext.substring(PREFIX.length(), end));
    }

    /** The plaintext, or empty when the key does not fit or the ciphertext was altered. */
    public static Optional<String> decrypt(DataKey key, String ciphertext) {
        if (!keyIdOf(ciphertext).map(key.keyId()::equals).orElse(false)) {
            return Optional.empty();
        }
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(ciphertext.substring(PREFIX.length() + key.keyId().length() + 1));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        return AesGcm.open(key.material(), associatedData(key), sealed)
                .map(plain -> new String(plain, StandardCharsets.UTF_8));
    }

    private static byte[] associatedData(DataKey key) {
        return key.tenant().toString().getBytes(StandardCharsets.UTF_8);
    }
}
