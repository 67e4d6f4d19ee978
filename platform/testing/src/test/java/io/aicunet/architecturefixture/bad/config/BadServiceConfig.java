package io.aicunet.architecturefixture.bad.config;

import io.smallrye.config.ConfigMapping;

/** With OtherServiceConfig, breaks 5c: two service settings mappings. */
@ConfigMapping(prefix = "bad")
public interface BadServiceConfig {
}
