package io.aicunet.audit.config;

import io.aicunet.platform.privacy.KeySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The audit service's keys, for platform/privacy's ProductionKeyCheck: the id of the
 * key that signs checkpoints, and every signing key by id (public key, and the private
 * key where one is set), so a development key pair is trusted neither to sign nor to
 * verify.
 */
@ApplicationScoped
public class AuditKeySettings {

    @Produces
    @Singleton
    KeySettings keySettings(AuditServiceConfig config) {
        return KeySettings.none()
                .setting("audit.signing.active-key-id")
                .keyed("audit.signing.keys", config.signing().keys().keySet(), "public-key", "private-key");
    }
}
