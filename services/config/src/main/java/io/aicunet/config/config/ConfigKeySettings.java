package io.aicunet.config.config;

import io.aicunet.platform.privacy.KeySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The config service's key, for platform/privacy's ProductionKeyCheck: the secrets key and its id. */
@ApplicationScoped
public class ConfigKeySettings {

    @Produces
    @Singleton
    KeySettings keySettings() {
        return KeySettings.none().setting("config.secrets.key").setting("config.secrets.key-id");
    }
}
