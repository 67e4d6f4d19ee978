package io.aicunet.config.client;

import java.util.Optional;

/**
 * A change the client applied, in revision order: the effective value of
 * {@code namespace}/{@code key} after it (empty when no scope holds the key any more).
 */
public record ConfigChange(long revision, String namespace, String key, Optional<ConfigValue> effective) {
}
