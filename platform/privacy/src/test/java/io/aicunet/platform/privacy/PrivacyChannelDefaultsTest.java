package io.aicunet.platform.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves the privacy channel's defaults reach exactly the services that answer privacy
 * requests, expanded with their own name, and yield to a service's own settings.
 */
class PrivacyChannelDefaultsTest {

    private static SmallRyeConfig config(Map<String, String> application) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(application, "application.properties", 250))
                .withSources(new PrivacyChannelDefaults())
                .build();
    }

    /** Proves: an answering service gets topic, its own consumer group and deserializers, prefix applied. */
    @Test
    void answeringServiceGetsTheChannel() {
        SmallRyeConfig config = config(Map.of("aicunet.privacy.requests.enabled", "true",
                "quarkus.application.name", "ledger", "aicunet.outbox.topic-prefix", "test-1."));
        assertThat(config.getValue("mp.messaging.incoming.privacy-requests.topic", String.class))
                .isEqualTo("test-1.tenant.privacy-requests.v1");
        assertThat(config.getValue("mp.messaging.incoming.privacy-requests.group.id", String.class))
                .isEqualTo("test-1.ledger-privacy-requests");
        assertThat(config.getValue("mp.messaging.incoming.privacy-requests.value.deserializer", String.class))
                .isEqualTo("org.apache.kafka.common.serialization.ByteArrayDeserializer");
    }

    /** Proves: a service that does not answer (the tenant service) has no key of the channel at all. */
    @Test
    void otherServicesGetNoChannel() {
        SmallRyeConfig config = config(Map.of("quarkus.application.name", "tenant"));
        assertThat(config.getPropertyNames())
                .noneMatch(name -> name.startsWith("mp.messaging.incoming.privacy-requests."));
    }

    /** Proves: a service's own application.properties overrides a default. */
    @Test
    void serviceSettingsOverrideDefaults() {
        SmallRyeConfig config = config(Map.of("aicunet.privacy.requests.enabled", "true",
                "quarkus.application.name", "audit",
                "mp.messaging.incoming.privacy-requests.auto.offset.reset", "latest"));
        assertThat(config.getValue("mp.messaging.incoming.privacy-requests.auto.offset.reset", String.class))
                .isEqualTo("latest");
        assertThat(config.getValue("mp.messaging.incoming.privacy-requests.group.id", String.class))
                .isEqualTo("audit-privacy-requests");
    }
}
