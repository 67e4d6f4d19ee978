package io.aicunet.config.config;

import io.smallrye.config.ConfigMapping;

/**
 * The config service's own key, which seals platform-level secret values (AES-256-GCM).
 * Secrets of tenant scopes are sealed with the tenant's data key instead (from the
 * tenant service); this key still opens those written before that. Kept apart from
 * {@link ConfigServiceConfig} so the settings that hold keys are declared in one place,
 * for platform/privacy's ProductionKeyCheck as much as for the code.
 */
@ConfigMapping(prefix = "config.secrets")
public interface ConfigKeySettings {

    /**
     * Names the key in every sealed value, so a later key can open older values. No
     * default: a deployment sets it with the key; the dev and test profiles set local-1.
     */
    String keyId();

    /** The AES-256 key, base64 (32 bytes). No default in code: deployments must set it from a secret. */
    String key();
}
