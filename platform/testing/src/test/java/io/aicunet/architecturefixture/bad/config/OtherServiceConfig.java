package io.aicunet.architecturefixture.bad.config;

import io.smallrye.config.ConfigMapping;

/** With BadServiceConfig, breaks 5c: two service settings mappings. */
@ConfigMapping(prefix = "other")
public interface OtherServiceConfig {
}
