package io.aicunet.platform.outbox;

import io.quarkus.kafka.client.tls.QuarkusKafkaSslEngineFactory;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The settings of a Kafka client the service builds itself (the outbox relay's producer,
 * the dead letters'), from the service's {@code kafka.*} keys: the same TLS as its channels.
 * Quarkus gives a channel whose settings name a TLS registry configuration
 * ({@code kafka.tls-configuration-name}) an SSL engine built from that configuration; a
 * plain {@code KafkaProducer} does not know the key and would otherwise fall back to the
 * JVM's trust store, so the same engine is named here.
 */
public final class KafkaClientSettings {

    /** The key Quarkus reads the TLS registry configuration's name from. */
    public static final String TLS_CONFIGURATION_NAME = "tls-configuration-name";

    private KafkaClientSettings() {
    }

    /** {@code kafkaDefaults} with the TLS registry's SSL engine when they name a configuration. */
    public static Map<String, Object> of(Map<String, Object> kafkaDefaults) {
        Map<String, Object> settings = new HashMap<>(kafkaDefaults);
        if (settings.containsKey(TLS_CONFIGURATION_NAME)) {
            // Warns about ssl.* keys that the registry's configuration overrides.
            QuarkusKafkaSslEngineFactory.checkForOtherSslConfigs(settings);
            settings.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, QuarkusKafkaSslEngineFactory.class);
        }
        return settings;
    }
}
