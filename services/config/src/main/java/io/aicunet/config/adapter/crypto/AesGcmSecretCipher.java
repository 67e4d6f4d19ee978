package io.aicunet.config.adapter.crypto;

import io.aicunet.config.config.ConfigKeySettings;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.StoredValue;
import io.aicunet.platform.privacy.KeySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM under the service's own key from configuration ({@code config.secrets.key}):
 * what seals platform-level secrets (global and service scope), and what sealed tenant
 * secrets too before they had data keys of their own. A sealed value is a random 12-byte
 * nonce followed by the ciphertext and its 16-byte tag; the entry's namespace, key and
 * scope are authenticated as associated data, so a sealed value moved to another entry
 * (or another tenant) fails to open.
 */
@ApplicationScoped
public class AesGcmSecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int KEY_BYTES = 32;

    private final SecretKey key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    public AesGcmSecretCipher(ConfigKeySettings settings) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(settings.key().trim());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalStateException("config.secrets.key is not base64", notBase64);
        }
        if (raw.length != KEY_BYTES) {
            throw new IllegalStateException("config.secrets.key must be " + KEY_BYTES + " bytes (AES-256), not "
                    + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
        this.keyId = settings.keyId();
    }

    /** The key and its id, for platform/privacy's ProductionKeyCheck: %prod refuses a development key. */
    @Produces
    @Singleton
    static KeySettings keySettings() {
        return KeySettings.none().setting("config.secrets.key").setting("config.secrets.key-id");
    }

    /** The id sealed values of this key carry. */
    public String keyId() {
        return keyId;
    }

    public StoredValue.Sealed seal(EntryKey entry, String json) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(entry));
            byte[] ciphertext = cipher.doFinal(json.getBytes(StandardCharsets.UTF_8));
            return new StoredValue.Sealed(keyId,
                    ByteBuffer.allocate(nonce.length + ciphertext.length).put(nonce).put(ciphertext).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The JSON text; fails (a bug or tampering) when the value does not open. */
    public String open(EntryKey entry, StoredValue.Sealed sealed) {
        if (!keyId.equals(sealed.keyId())) {
            throw new IllegalStateException("secret of " + entry + " is sealed under key " + sealed.keyId()
                    + ", this replica holds " + keyId);
        }
        byte[] bytes = sealed.sealed();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(entry));
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret of " + entry + " does not open: tampered or wrong key", e);
        }
    }

    private static byte[] associatedData(EntryKey entry) {
        return boundTo(entry).getBytes(StandardCharsets.UTF_8);
    }

    /** The entry's identity as both ciphers bind a sealed value to it. */
    static String boundTo(EntryKey entry) {
        return "aicunet-config-v1\n" + entry.namespace() + "\n" + entry.key() + "\n" + entry.scope().id();
    }
}
