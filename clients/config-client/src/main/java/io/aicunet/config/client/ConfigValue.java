package io.aicunet.config.client;

import java.util.Objects;

/**
 * One effective value as the client holds it.
 *
 * @param json      the JSON text; empty when {@code masked}
 * @param scopeKind where it came from: global, service, tenant or tenant_service
 * @param revision  the revision that last changed it
 */
public record ConfigValue(String namespace, String key, String json, String scopeKind, long revision, boolean secret,
                          boolean masked) {

    public ConfigValue {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(scopeKind, "scopeKind");
    }
}
