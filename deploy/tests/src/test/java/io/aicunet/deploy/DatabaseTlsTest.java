package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The charts connect the services to PostgreSQL the way the local TLS tests do (docs/tls.md):
 * verify-full against a CA mounted read-only from an existing Secret (key {@code ca.crt},
 * as cert-manager writes it) or ConfigMap, for the app's pools and for the migration Job's
 * Liquibase (JDBC URL). The rendered reactive settings are compared with the service's
 * application.properties, whose values are the ones that connected in platform/testing's
 * PostgresTlsTest and the services' DatabaseTlsTests (only the CA's path differs, and the
 * properties' production default of aicunet.database.ca-certificate is the chart's mount).
 */
class DatabaseTlsTest {

    private static final String CA_FILE = "/etc/aicunet/database-tls/ca.crt";
    /**
     * The JDBC URL's query: verify-full with the mounted CA, after targetServerType=primary
     * when it names standbys too (Liquibase then migrates whichever node accepts writes).
     */
    private static final String JDBC_PARAMETERS = "^jdbc:postgresql://[^?]+\\?(targetServerType=primary&)?"
            + "sslmode=verify-full&sslrootcert=" + java.util.regex.Pattern.quote(CA_FILE) + "$";
    private static final String CA_DIRECTORY = "/etc/aicunet/database-tls";

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> renders() {
        return Renders.all();
    }

    /** Proves: each app's pool gets verify-full, hostname verification and the mounted CA, exactly the keys and values of its application.properties; JDBC carries sslmode and sslrootcert. */
    @ParameterizedTest
    @MethodSource("renders")
    void appVerifiesThePostgresServer(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        for (String service : Renders.servicesOf(chart)) {
            Deployment deployment = manifests.deploymentOf(service);
            Map<String, String> settings = Renders.settingsOf(manifests, deployment);
            Properties properties = applicationProperties(service);

            assertThat(properties.getProperty("aicunet.database.ca-certificate")).as("%s's production CA path", service)
                    .isEqualTo(CA_FILE);
            assertThat(settings).as("%s", service)
                    .containsEntry("AICUNET_DATABASE_CA_CERTIFICATE", CA_FILE)
                    .containsEntry("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE",
                            properties.getProperty("quarkus.datasource.reactive.postgresql.ssl-mode"))
                    .containsEntry("QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM",
                            properties.getProperty("quarkus.datasource.reactive.hostname-verification-algorithm"))
                    .containsEntry("QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM",
                            properties.getProperty("quarkus.datasource.reactive.trust-certificate-pem"))
                    .containsEntry("QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS", CA_FILE)
                    .containsEntry("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE", "verify-full")
                    .containsEntry("QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM", "HTTPS");
            assertThat(settings.get("QUARKUS_DATASOURCE_JDBC_URL")).as("%s", service)
                    .matches(JDBC_PARAMETERS);
            // Every node of the reactive URL (a primary and its standbys) verified alike.
            for (String url : settings.get("QUARKUS_DATASOURCE_REACTIVE_URL").split(",")) {
                assertThat(url).as("%s", service).endsWith("?sslmode=verify-full");
            }
            if (settings.containsKey("QUARKUS_DATASOURCE_REPORTING_REACTIVE_URL")) {
                assertThat(settings)
                        .containsEntry("QUARKUS_DATASOURCE_REPORTING_REACTIVE_POSTGRESQL_SSL_MODE", "verify-full")
                        .containsEntry("QUARKUS_DATASOURCE_REPORTING_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM", "HTTPS")
                        .containsEntry("QUARKUS_DATASOURCE_REPORTING_REACTIVE_TRUST_CERTIFICATE_PEM", "true")
                        .containsEntry("QUARKUS_DATASOURCE_REPORTING_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS", CA_FILE);
            }
            assertCaMounted(deployment.getSpec().getTemplate().getSpec(), service + "-db-ca", service + " app");
        }
    }

    /**
     * Proves: with database.standbys (the production values of the ledger and audit), the app's
     * reactive URL names the primary then each standby, every one verified, and the JDBC URL
     * of the app and of the migration Job names them all with targetServerType=primary; without
     * (the defaults), one host and no targetServerType.
     */
    @ParameterizedTest
    @MethodSource("renders")
    void standbysAreNamedInEveryDatabaseUrl(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        for (String service : Renders.servicesOf(chart)) {
            Map<String, String> settings = Renders.settingsOf(manifests, manifests.deploymentOf(service));
            Map<String, Object> values = Renders.valuesOf(chart, variant, service);
            List<Object> standbys = Yaml.list(Yaml.at(values, "database.standbys"));
            String database = (String) Yaml.at(values, "database.name");
            List<String> hosts = new java.util.ArrayList<>();
            hosts.add(Yaml.at(values, "database.host") + ":" + Yaml.at(values, "database.port"));
            for (Object standby : standbys) {
                Map<?, ?> node = (Map<?, ?>) standby;
                hosts.add(node.get("host") + ":" + node.get("port"));
            }
            assertThat(settings.get("QUARKUS_DATASOURCE_REACTIVE_URL")).as("%s", service).isEqualTo(hosts.stream()
                    .map(host -> "postgresql://" + host + "/" + database + "?sslmode=verify-full")
                    .collect(Collectors.joining(",")));
            String jdbc = "jdbc:postgresql://" + String.join(",", hosts) + "/" + database + "?"
                    + (standbys.isEmpty() ? "" : "targetServerType=primary&") + "sslmode=verify-full";
            assertThat(settings.get("QUARKUS_DATASOURCE_JDBC_URL")).as("%s", service).startsWith(jdbc);
            if (variant == Variant.PRODUCTION && List.of("ledger", "audit").contains(service)) {
                assertThat(standbys).as("%s's production values name a standby", service).isNotEmpty();
            }
        }
    }

    /** Proves: the migration Job's Liquibase (JDBC) verifies the server with the same mounted CA. */
    @ParameterizedTest
    @MethodSource("renders")
    void migrationJobVerifiesThePostgresServer(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        for (String service : Renders.servicesOf(chart)) {
            String name = manifests.deploymentOf(service).getMetadata().getName() + "-migrate";
            Job job = manifests.jobs().stream().filter(candidate -> candidate.getMetadata().getName().equals(name))
                    .findFirst().orElseThrow(() -> new AssertionError("no migration Job " + name));
            PodSpec pod = job.getSpec().getTemplate().getSpec();
            Map<String, String> env = pod.getContainers().get(0).getEnv().stream()
                    .filter(variable -> variable.getValue() != null)
                    .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
            assertThat(env.get("QUARKUS_DATASOURCE_JDBC_URL")).as("%s migration", service)
                    .matches(JDBC_PARAMETERS);
            assertThat(env).containsEntry("AICUNET_DATABASE_CA_CERTIFICATE", CA_FILE);
            assertCaMounted(pod, service + "-db-ca", service + " migration");
        }
    }

    /** Proves: the CA may come from a ConfigMap instead (trust-manager, a managed database's CA), mounted the same way. */
    @Test
    void caFromConfigMapIsMountedTheSameWay() {
        HelmWorkspace workspace = HelmWorkspace.get();
        RenderedManifests manifests = workspace.template("ledger", Renders.requiredValues("ledger"),
                workspace.valuesFile("database-ca-configmap",
                        "database: {tls: {caSecret: {name: \"\"}, caConfigMap: {name: postgres-ca-bundle, key: bundle.pem}}}"));
        PodSpec pod = manifests.deploymentOf("ledger").getSpec().getTemplate().getSpec();
        Volume volume = volume(pod, "ledger app");
        assertThat(volume.getSecret()).isNull();
        assertThat(volume.getConfigMap().getName()).isEqualTo("postgres-ca-bundle");
        assertThat(volume.getConfigMap().getItems()).singleElement()
                .satisfies(item -> {
                    assertThat(item.getKey()).isEqualTo("bundle.pem");
                    assertThat(item.getPath()).isEqualTo("ca.crt");
                });
    }

    /** Proves: a chart asked not to verify the server (sslMode prefer/require/disable) or given no CA refuses to render, naming the value. */
    @Test
    void unverifiedOrCalessDatabaseRefusesToRender() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path required = Renders.requiredValues("ledger");
        for (String mode : new String[] {"disable", "prefer", "require"}) {
            assertThatThrownBy(() -> workspace.template("ledger", required,
                    workspace.valuesFile("database-" + mode, "database: {sslMode: " + mode + "}")))
                    .as(mode).hasMessageContaining("sslMode");
        }
        assertThatThrownBy(() -> workspace.template("ledger", required, workspace.valuesFile("database-no-ca",
                "database: {tls: {caSecret: {name: \"\"}, caConfigMap: {name: \"\"}}}")))
                .hasMessageContaining("database.tls");
    }

    private static void assertCaMounted(PodSpec pod, String secretName, String what) {
        CaMounts.assertCaMounted(pod, "database-ca", CA_DIRECTORY, secretName, what);
    }

    private static Volume volume(PodSpec pod, String what) {
        return CaMounts.volume(pod, "database-ca", what);
    }

    /** platform/tenancy's defaults (where the pool's TLS settings live), then the service's application.properties. */
    private static Properties applicationProperties(String service) {
        return CaMounts.settingsOf(service, "tenancy");
    }
}
