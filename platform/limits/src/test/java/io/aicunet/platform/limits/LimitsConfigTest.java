package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves: the limits settings' defaults are the documented ones, and a storage setting
 * under aicunet.limits.storage.* (read by the storage quota, not by this mapping) is
 * accepted beside the mapping.
 */
class LimitsConfigTest {

    @Test
    void defaultsAreTheDocumentedOnesAndStorageSettingsLiveBeside() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(LimitsConfig.class)
                .withSources(new PropertiesConfigSource(Map.of("aicunet.limits.storage.top-tenants", "5",
                        "aicunet.limits.burst-percent", "50"), "test", 500))
                .build();
        LimitsConfig limits = config.getConfigMapping(LimitsConfig.class);
        assertThat(limits.quotaCacheSeconds()).isEqualTo(5);
        assertThat(limits.quotaStaleMaxSeconds()).isEqualTo(3600);
        assertThat(limits.unknownTenant().requestsPerMinute()).isEqualTo(60);
        assertThat(limits.unknownTenant().storageBytes()).isEqualTo(1L << 30);
        assertThat(limits.redisDownSharePercent()).isEqualTo(50);
        assertThat(limits.burstPercent()).isEqualTo(50);
        assertThat(config.getValue("aicunet.limits.storage.top-tenants", Integer.class)).isEqualTo(5);
    }
}
