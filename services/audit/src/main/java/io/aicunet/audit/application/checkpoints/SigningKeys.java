package io.aicunet.audit.application.checkpoints;

import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.privacy.KeySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The Ed25519 keys of checkpoints: the active one signs, every configured one
 * verifies (rotation: a new key becomes active, the old one stays for verification).
 * Read once at start-up; a broken key stops the service from starting.
 */
@ApplicationScoped
public class SigningKeys {

    private final String activeKeyId;
    private final PrivateKey activeKey;
    private final Map<String, PublicKey> verificationKeys = new LinkedHashMap<>();

    public SigningKeys(AuditServiceConfig config) {
        AuditServiceConfig.Signing signing = config.signing();
        signing.keys().forEach((id, key) -> verificationKeys.put(id, TreeHeadSignatures.publicKey(key.publicKey())));
        activeKeyId = signing.activeKeyId();
        AuditServiceConfig.Signing.Key active = signing.keys().get(activeKeyId);
        if (active == null || active.privateKey().isEmpty()) {
            throw new IllegalStateException("audit.signing.active-key-id " + activeKeyId
                    + " has no audit.signing.keys." + activeKeyId + ".private-key");
        }
        // The development keys (local-1, local-2) are in the repository; outside the dev and
        // test profiles platform/privacy's ProductionKeyCheck refuses to start with them.
        activeKey = TreeHeadSignatures.privateKey(active.privateKey().get());
        // A mismatched pair would sign checkpoints nobody can verify: refuse to start.
        SignedTreeHead probe = TreeHeadSignatures.sign(activeKey, activeKeyId, new UUID(0, 0), 1, new byte[32],
                Instant.EPOCH);
        if (!TreeHeadSignatures.verify(verificationKeys.get(activeKeyId), probe)) {
            throw new IllegalStateException("the private and public key of " + activeKeyId + " do not belong together");
        }
    }

    /**
     * The settings that hold these keys, for platform/privacy's ProductionKeyCheck: the id of
     * the key that signs, and every key by id (public key, and the private key where one is
     * set), so a development key pair is trusted neither to sign nor to verify.
     */
    @Produces
    @Singleton
    static KeySettings keySettings(AuditServiceConfig config) {
        return KeySettings.none()
                .setting("audit.signing.active-key-id")
                .keyed("audit.signing.keys", config.signing().keys().keySet(), "public-key", "private-key");
    }

    public SignedTreeHead sign(UUID tenantId, long treeSize, byte[] rootHash, Instant issuedAt) {
        return TreeHeadSignatures.sign(activeKey, activeKeyId, tenantId, treeSize, Arrays.copyOf(rootHash, 32),
                issuedAt);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    /** Every public key by id, the active one included. */
    public Map<String, PublicKey> verificationKeys() {
        return Map.copyOf(verificationKeys);
    }
}
