package io.aicunet.architecturefixture.bad.application.orders;

import io.smallrye.config.ConfigMapping;

/** Breaks 5a: a settings mapping outside config. */
@ConfigMapping(prefix = "bad.orders")
public interface OrderSettings {
}
