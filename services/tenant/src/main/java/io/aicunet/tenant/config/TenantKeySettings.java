package io.aicunet.tenant.config;

import io.aicunet.platform.privacy.KeySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The tenant service's keys, for platform/privacy's ProductionKeyCheck: the active
 * master key's id, that key, and every master key still configured by id.
 */
@ApplicationScoped
public class TenantKeySettings {

    @Produces
    @Singleton
    KeySettings keySettings(TenantServiceConfig config) {
        return KeySettings.none()
                .setting("tenant.master-key-id")
                .setting("tenant.master-keys." + config.masterKeyId())
                .keyed("tenant.master-keys", config.masterKeys().keySet());
    }
}
