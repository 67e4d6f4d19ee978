package io.aicunet.architecturefixture.good.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The service's one settings mapping. */
@ConfigMapping(prefix = "good")
public interface GoodServiceConfig {

    /** Retention settings. */
    Retention retention();

    /** Nested settings group. */
    interface Retention {

        /** The largest quantity. */
        @WithDefault("10")
        long quantityMax();
    }
}
