package io.aicunet.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.Test;

/**
 * The relay's producer configuration: the service's Kafka settings (bootstrap servers,
 * security protocol, SASL, TLS) reach it; the relay's delivery guarantees and bounds win
 * over them; consumer-only keys stay out.
 */
class KafkaEventPublisherTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"ledger\" password=\"secret\";";

    /** What Quarkus's default-kafka-broker map holds for a service with SASL over TLS configured. */
    private static Map<String, Object> saslServiceSettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "kafka-0.kafka:9093");
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "SCRAM-SHA-512");
        settings.put("sasl.jaas.config", JAAS);
        settings.put("ssl.truststore.location", "/etc/aicunet/kafka/ca.p12");
        settings.put("ssl.endpoint.identification.algorithm", "https");
        settings.put("tls-configuration-name", "kafka");
        settings.put("group.id", "ledger-service");
        settings.put("acks", "0");
        settings.put("max.block.ms", "600000");
        return settings;
    }

    /**
     * Proves: security.protocol, sasl.* and ssl.* settings of the service reach the relay's
     * producer unchanged, as does the TLS registry's configuration name.
     */
    @Test
    void securitySettingsReachTheProducer() {
        Map<String, Object> config = KafkaEventPublisher.producerConfig(saslServiceSettings(), 10_000, 30_000);

        assertThat(config)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-0.kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
                .containsEntry(SaslConfigs.SASL_JAAS_CONFIG, JAAS)
                .containsEntry("ssl.truststore.location", "/etc/aicunet/kafka/ca.p12")
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .containsEntry("tls-configuration-name", "kafka");
    }

    /**
     * Proves: the relay's guarantees (acks from all in-sync replicas, idempotence) and its
     * bounds on waiting win over service settings, and consumer-only keys are dropped.
     */
    @Test
    void relayGuaranteesAndBoundsWinAndConsumerKeysStayOut() {
        Map<String, Object> config = KafkaEventPublisher.producerConfig(saslServiceSettings(), 7_000, 20_000);

        assertThat(config)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 7_000)
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)
                .doesNotContainKey("group.id");
    }

    /**
     * Proves: the configuration is one a real producer accepts; built with SASL_PLAINTEXT
     * and the PLAIN mechanism (no key store needed), the producer starts and closes.
     */
    @Test
    void aProducerStartsWithTheSaslConfiguration() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "127.0.0.1:1");
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"b\";");
        settings.put("group.id", "ignored");
        try (KafkaEventPublisher publisher = KafkaEventPublisher.connect(settings, 1_000, 2_000)) {
            assertThat(publisher).isNotNull();
        }
    }

    /**
     * Proves: settings that name a TLS registry configuration (the fleet's
     * kafka.tls-configuration-name) give the relay's producer the registry's SSL engine, as
     * Quarkus gives the channels, rather than the JVM's trust store.
     */
    @Test
    void aTlsRegistryConfigurationGivesTheRelayTheRegistrysEngine() {
        assertThat(KafkaEventPublisher.producerConfig(saslServiceSettings(), 1_000, 2_000))
                .containsEntry("ssl.engine.factory.class",
                        io.quarkus.kafka.client.tls.QuarkusKafkaSslEngineFactory.class)
                .containsEntry(KafkaClientSettings.TLS_CONFIGURATION_NAME, "kafka");

        Map<String, Object> withoutRegistry = new HashMap<>(saslServiceSettings());
        withoutRegistry.remove(KafkaClientSettings.TLS_CONFIGURATION_NAME);
        assertThat(KafkaEventPublisher.producerConfig(withoutRegistry, 1_000, 2_000))
                .doesNotContainKey("ssl.engine.factory.class");
    }

    /** Proves: settings without bootstrap servers are refused, naming the key to set. */
    @Test
    void settingsWithoutBootstrapServersAreRefused() {
        assertThatThrownBy(() -> KafkaEventPublisher.producerConfig(Map.of("security.protocol", "SSL"), 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.bootstrap.servers");
    }
}
