package io.aicunet.platform.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * How a service authenticates to Kafka as its own principal (docs/kafka-security.md), for
 * {@link ProductionKeyCheck}: the broker refuses unauthenticated clients and lets each
 * principal write only its own topics. Outside dev and test {@code kafka.sasl.jaas.config}
 * must be set by the deployment (KAFKA_SASL_JAAS_CONFIG from a Secret) and must not be the
 * local stack's, whose password is {@code fleet-dev-kafka-<service>}.
 */
@ApplicationScoped
public class KafkaCredentialSettings {

    @Produces
    @Singleton
    KeySettings kafkaCredentials() {
        return KeySettings.none().setting("kafka.sasl.jaas.config");
    }
}
