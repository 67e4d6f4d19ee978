package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Kafka credentials and TLS as deployed (issue 13, items 1 and 2; docs/kafka-security.md,
 * docs/tls.md): every service talks SASL_SSL with SCRAM-SHA-512 as its own principal, whose
 * sasl.jaas.config comes from the existing Secret {@code <service>-kafka} into the app and
 * its migration Job alike (both start the Kafka clients); a SASL protocol without that
 * Secret does not render. The brokers are verified against the CA mounted from
 * {@code <service>-kafka-ca} at the path of platform/outbox's production default, through
 * the TLS registry configuration that platform/testing's KafkaTlsTest and every service test
 * connected with on the local stack; nothing without TLS renders.
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

    private static final String CA_DIRECTORY = "/etc/aicunet/kafka-tls";

    /**
     * Proves: every app and migration Job verifies the brokers with the CA mounted from
     * <service>-kafka-ca, at the path that is the production default of
     * aicunet.kafka.ca-certificate, the trust store of the TLS registry configuration its
     * Kafka clients name; the protocol is the one of the defaults (SASL_SSL) that the local
     * stack's tests connect with.
     */
    @ParameterizedTest
    @MethodSource("renders")
    void everyServiceVerifiesTheBrokersWithTheMountedCa(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            Properties defaults = CaMounts.settingsOf(service, "outbox");
            assertThat(defaults.getProperty("aicunet.kafka.ca-certificate")).isEqualTo(CA_DIRECTORY + "/ca.crt");
            assertThat(defaults.getProperty("kafka.tls-configuration-name")).isEqualTo("kafka");
            assertThat(defaults.getProperty("quarkus.tls.kafka.trust-store.pem.certs"))
                    .isEqualTo("${aicunet.kafka.ca-certificate}");
            Map<String, String> settings = Renders.settingsOf(manifests, deployment);
            assertThat(settings).as(service)
                    .containsEntry("KAFKA_SECURITY_PROTOCOL", defaults.getProperty("kafka.security.protocol"))
                    .containsEntry("AICUNET_KAFKA_CA_CERTIFICATE", CA_DIRECTORY + "/ca.crt")
                    .doesNotContainKey("KAFKA_TLS_CONFIGURATION_NAME")
                    .doesNotContainKey("KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM");
            CaMounts.assertCaMountedInAppAndMigration(manifests, deployment, service, "kafka-ca", CA_DIRECTORY,
                    service + "-kafka-ca");
        }
    }

    /** Proves: a protocol without TLS, or no CA to verify the brokers with, does not render. */
    @Test
    void kafkaWithoutTlsOrWithoutCaDoesNotRender() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path required = Renders.requiredValues("ledger");
        for (String protocol : new String[] {"PLAINTEXT", "SASL_PLAINTEXT"}) {
            assertThatThrownBy(() -> workspace.template("ledger", required,
                    workspace.valuesFile("kafka-" + protocol, "kafka: {securityProtocol: " + protocol + "}")))
                    .as(protocol).hasMessageContaining("securityProtocol");
        }
        assertThatThrownBy(() -> workspace.template("ledger", required, workspace.valuesFile("kafka-no-ca",
                "kafka: {tls: {caSecret: {name: \"\"}, caConfigMap: {name: \"\"}}}")))
                .hasMessageContaining("kafka.tls");
    }

    static Stream<String> services() {
        return Fleet.SERVICES.stream();
    }

    /**
     * Proves: with kafka.strimzi.kafkaUser each chart renders its service's KafkaUser
     * (SCRAM-SHA-512, in the named cluster) with exactly the bindings acls.conf grants the
     * service on the local stack, where KafkaAclsTest proves them; read here from the
     * source file, not the chart's copy.
     */
    @ParameterizedTest
    @MethodSource("services")
    void aStrimziKafkaUserCarriesTheServicesAcls(String service) throws java.io.IOException {
        HelmWorkspace workspace = HelmWorkspace.get();
        RenderedManifests manifests = workspace.template(service, Renders.requiredValues(service),
                workspace.valuesFile("strimzi-" + service, "kafka: {strimzi: {kafkaUser: true, cluster: main}}"));

        GenericKubernetesResource user = manifests.custom("KafkaUser").get(0);
        assertThat(manifests.custom("KafkaUser")).hasSize(1);
        assertThat(user.getApiVersion()).isEqualTo("kafka.strimzi.io/v1beta2");
        assertThat(user.getMetadata().getName()).isEqualTo(service);
        assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "main");
        Map<String, Object> spec = Yaml.map(user.getAdditionalProperties().get("spec"));
        assertThat(Yaml.at(spec, "authentication.type")).isEqualTo("scram-sha-512");
        assertThat(Yaml.at(spec, "authorization.type")).isEqualTo("simple");
        assertThat(Yaml.list(Yaml.at(spec, "authorization.acls"))).containsExactlyInAnyOrderElementsOf(expectedAcls(service));
    }

    /** Proves: without it no KafkaUser renders; with it but no cluster name the chart does not render. */
    @Test
    void aKafkaUserOnlyWhenAskedAndOnlyWithItsCluster() {
        HelmWorkspace workspace = HelmWorkspace.get();
        assertThat(Renders.of("ledger", Variant.PRODUCTION).custom("KafkaUser")).isEmpty();
        assertThatThrownBy(() -> workspace.template("ledger", Renders.requiredValues("ledger"),
                workspace.valuesFile("strimzi-no-cluster", "kafka: {strimzi: {kafkaUser: true}}")))
                .hasMessageContaining("kafka.strimzi.cluster");
    }

    /** The service's stack bindings in acls.conf, as Strimzi's ACL entries. */
    private static java.util.List<Object> expectedAcls(String service) throws java.io.IOException {
        java.util.List<Object> acls = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(
                Fleet.root().resolve("platform/devstack/src/main/resources/kafka/acls.conf"))) {
            String[] fields = line.strip().split("\\s+");
            if (line.isBlank() || line.strip().startsWith("#") || !fields[0].equals(service)) {
                continue;
            }
            java.util.List<String> operations = java.util.Arrays.stream(fields[4].split(","))
                    .map(operation -> java.util.Arrays.stream(operation.toLowerCase(java.util.Locale.ROOT).split("_"))
                            .map(word -> Character.toUpperCase(word.charAt(0)) + word.substring(1))
                            .collect(java.util.stream.Collectors.joining()))
                    .toList();
            acls.add(Map.of(
                    "resource", Map.of("type", fields[1], "name", fields[3].replace("{p}", ""),
                            "patternType", fields[2].equals("prefixed") ? "prefix" : "literal"),
                    "operations", operations,
                    "host", "*"));
        }
        assertThat(acls).as("acls.conf's lines of %s", service).isNotEmpty();
        return acls;
    }
}
