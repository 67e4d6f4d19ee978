package io.aicunet.tenant.config;

import io.smallrye.config.ConfigMapping;
import java.util.Map;

/**
 * The tenant service's master keys, which wrap tenants' data keys (envelope encryption).
 * Kept apart from {@link TenantServiceConfig} so the settings that hold keys are declared
 * in one place, for platform/privacy's ProductionKeyCheck as much as for the code.
 */
@ConfigMapping(prefix = "tenant")
public interface TenantKeySettings {

    /**
     * Id of the master key that wraps new data keys; it must be one of {@link #masterKeys()}.
     * No default: a deployment sets it from a secret; the dev and test profiles set dev-1.
     */
    String masterKeyId();

    /**
     * Master keys by id, each 32 bytes in base64; older ids stay to unwrap older data
     * keys. From a secret in a deployment; the dev and test profiles hold a development key.
     */
    Map<String, String> masterKeys();
}
