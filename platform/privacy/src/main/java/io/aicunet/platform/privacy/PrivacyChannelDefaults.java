package io.aicunet.platform.privacy;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The privacy requests channel (docs/privacy-requests.md), the same in every service that
 * answers them: the tenant service announces exports and erasures on
 * {@code tenant.privacy-requests.v1}; each answering service reads it in a consumer group of its
 * own ({@code <quarkus.application.name>-privacy-requests}), from the start of the topic, and
 * answers on {@code <service>.privacy.v1} through the outbox ({@link PrivacyRequestsConsumer}).
 *
 * <p>Supplied only when the service opts in with {@code aicunet.privacy.requests.enabled=true}:
 * any key of the channel would define it in the tenant service as well, which has no consumer
 * for it and then refuses to start. Quarkus attaches the channel to the Kafka connector, the
 * only one the services have. The ordinal is below microprofile-config.properties, so a
 * service's application.properties or the environment still override each key.
 */
public final class PrivacyChannelDefaults implements ConfigSourceFactory {

    /** Below META-INF/microprofile-config.properties (100): everything else overrides these. */
    static final int ORDINAL = 50;

    static final String ENABLED = "aicunet.privacy.requests.enabled";

    /** How long one privacy request may take before the channel counts as stuck (health DOWN). */
    static final Duration UNPROCESSED_RECORD_MAX_AGE = Duration.ofMinutes(30);

    static final Map<String, String> DEFAULTS = Map.of(
            "mp.messaging.incoming.privacy-requests.topic",
            "${aicunet.outbox.topic-prefix:}tenant.privacy-requests.v1",
            "mp.messaging.incoming.privacy-requests.group.id",
            "${aicunet.outbox.topic-prefix:}${quarkus.application.name}-privacy-requests",
            "mp.messaging.incoming.privacy-requests.auto.offset.reset", "earliest",
            "mp.messaging.incoming.privacy-requests.key.deserializer",
            "org.apache.kafka.common.serialization.StringDeserializer",
            "mp.messaging.incoming.privacy-requests.value.deserializer",
            "org.apache.kafka.common.serialization.ByteArrayDeserializer",
            // An export of a large tenant streams for minutes; the connector's default (60 s)
            // would report the channel failed and hand the request out again mid-export.
            "mp.messaging.incoming.privacy-requests.throttled.unprocessed-record-max-age.ms",
            Long.toString(UNPROCESSED_RECORD_MAX_AGE.toMillis()));

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue enabled = context.getValue(ENABLED);
        if (enabled == null || !"true".equals(enabled.getValue())) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(DEFAULTS, "platform/privacy privacy-requests channel defaults",
                ORDINAL));
    }
}
