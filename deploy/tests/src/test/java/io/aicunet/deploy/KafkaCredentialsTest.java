package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Kafka credentials as deployed (issue 13, item 2; docs/kafka-security.md): by default every
 * service talks SASL_SSL with SCRAM-SHA-512 as its own principal, whose sasl.jaas.config
 * comes from the existing Secret {@code <service>-kafka} into the app and its migration Job
 * alike (both start the Kafka clients); a SASL protocol without that Secret does not render.
 */
class KafkaCredentialsTest {

    static Stream<Arguments> renders() {
        return Renders.all();
    }

    /** Proves: every service (all charts, all variants) gets SASL_SSL, SCRAM-SHA-512 and its own <service>-kafka Secret's sasl.jaas.config, in the app and the migration Job. */
    @ParameterizedTest
    @MethodSource("renders")
    void everyServiceAuthenticatesToKafkaAsItself(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            assertThat(Renders.settingsOf(manifests, deployment))
                    .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
            Container app = TrustedCallersTest.appContainer(deployment);
            assertThat(TrustedCallersTest.secretKeyOf(app, "KAFKA_SASL_JAAS_CONFIG")).as("the app of %s", service)
                    .contains(service + "-kafka/sasl.jaas.config");
            Job migration = TrustedCallersTest.migrationOf(manifests, service);
            assertThat(TrustedCallersTest.secretKeyOf(migration.getSpec().getTemplate().getSpec().getContainers().get(0),
                    "KAFKA_SASL_JAAS_CONFIG")).as("the migration of %s", service)
                    .contains(service + "-kafka/sasl.jaas.config");
        }
    }

    /** Proves: with a SASL protocol and no credentials Secret the chart does not render, naming the setting and the service; through the umbrella too. */
    @Test
    void renderFailsWithoutTheKafkaCredentialsSecret() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path none = workspace.valuesFile("no-kafka-credentials", "kafka:\n  saslJaasConfigSecret:\n    secretName: \"\"\n");
        Path noneForAudit = workspace.valuesFile("fleet-no-kafka-credentials",
                "audit:\n  kafka:\n    saslJaasConfigSecret:\n      secretName: \"\"\n");

        assertThatThrownBy(() -> workspace.template("ledger", Renders.requiredValues("ledger"), none))
                .hasMessageContaining("kafka.saslJaasConfigSecret.secretName is required")
                .hasMessageContaining("ledger");
        assertThatThrownBy(() -> workspace.template("fleet", Renders.requiredValues("fleet"), noneForAudit))
                .hasMessageContaining("kafka.saslJaasConfigSecret.secretName is required")
                .hasMessageContaining("audit");
    }
}
