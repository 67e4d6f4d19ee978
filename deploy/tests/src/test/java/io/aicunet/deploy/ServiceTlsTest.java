package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.deploy.Renders.Variant;
import io.aicunet.platform.testing.ServiceTls;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The charts switch on TLS of the services' own port and of their calls to the tenant
 * service (docs/tls.md, "Service to service") with exactly the settings the local TLS
 * proofs start the packaged services with (platform/testing {@link ServiceTls#settings},
 * used by services/tenant ServiceTlsIT and services/config TenantClientTlsIT): the profile
 * {@value ServiceTls#PROFILE} over prod, and the directory of platform/tenancy's defaults,
 * where the Secret {@code <svc>-tls} is mounted read-only with cert-manager's three keys,
 * the files those defaults read. Probes, the Service and the ServiceMonitor speak HTTPS.
 */
class ServiceTlsTest {

    private static final Path DEFAULTS =
            Fleet.root().resolve("platform/tenancy/src/main/resources/META-INF/microprofile-config.properties");

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> renders() {
        return Renders.all();
    }

    /** Proves: each app runs with the IT's TLS settings (as environment variables), in prod, with the defaults' directory. */
    @ParameterizedTest
    @MethodSource("renders")
    void appRunsWithTheSettingsOfTheLocalTlsProofs(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        String directory = productionDirectory();
        Map<String, String> expected = environment(ServiceTls.settings("prod", directory));
        for (String service : Renders.servicesOf(chart)) {
            Deployment deployment = manifests.deploymentOf(service);
            Map<String, String> settings = Renders.settingsOf(manifests, deployment);
            assertThat(settings).as("%s", service).containsAllEntriesOf(expected);
            assertThat(settings.get("QUARKUS_PROFILE")).as("%s: prod first, TLS over it", service)
                    .isEqualTo("prod," + ServiceTls.PROFILE);
        }
    }

    /** Proves: the Secret <svc>-tls is mounted read-only, with exactly the files the service-tls defaults read. */
    @ParameterizedTest
    @MethodSource("renders")
    void secretIsMountedWhereTheDefaultsReadIt(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        String directory = productionDirectory();
        assertThat(filesTheDefaultsRead()).containsExactlyInAnyOrderElementsOf(ServiceTls.FILES);
        for (String service : Renders.servicesOf(chart)) {
            PodSpec pod = manifests.deploymentOf(service).getSpec().getTemplate().getSpec();
            Volume volume = pod.getVolumes().stream().filter(candidate -> candidate.getName().equals("service-tls"))
                    .findFirst().orElseThrow(() -> new AssertionError(service + " has no service-tls volume"));
            assertThat(volume.getSecret().getSecretName()).isEqualTo(service + "-tls");
            assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getKey)
                    .containsExactlyInAnyOrderElementsOf(ServiceTls.FILES);
            assertThat(volume.getSecret().getItems()).allSatisfy(item -> assertThat(item.getPath()).isEqualTo(item.getKey()));
            assertThat(volume.getSecret().getDefaultMode()).as("not readable by others").isEqualTo(0440);
            Container app = pod.getContainers().get(0);
            VolumeMount mount = app.getVolumeMounts().stream().filter(candidate -> candidate.getName().equals("service-tls"))
                    .findFirst().orElseThrow(() -> new AssertionError(service + " does not mount service-tls"));
            assertThat(mount.getMountPath()).isEqualTo(directory);
            assertThat(mount.getReadOnly()).isTrue();
        }
    }

    /** Proves: probes use HTTPS, the Service's ports say HTTPS, the tenant client's host and port are those of the tenant Service. */
    @ParameterizedTest
    @MethodSource("renders")
    void probesAndServiceSpeakHttps(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        for (String service : Renders.servicesOf(chart)) {
            Deployment deployment = manifests.deploymentOf(service);
            Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            for (Probe probe : List.of(app.getStartupProbe(), app.getReadinessProbe(), app.getLivenessProbe())) {
                assertThat(probe.getHttpGet().getScheme()).as("%s probe %s", service, probe.getHttpGet().getPath())
                        .isEqualTo("HTTPS");
            }
            Service object = manifests.all(Service.class).stream()
                    .filter(candidate -> candidate.getMetadata().getName().equals(deployment.getMetadata().getName()))
                    .findFirst().orElseThrow();
            assertThat(object.getSpec().getPorts()).extracting(ServicePort::getAppProtocol).containsOnly("https");
        }
    }

    /** Proves: the migration Job serves nothing and runs without the service-tls profile (it has no certificate to load). */
    @ParameterizedTest
    @MethodSource("renders")
    void migrationJobRunsWithoutTheTlsProfile(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        for (Job job : manifests.jobs()) {
            Map<String, String> env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .filter(variable -> variable.getValue() != null)
                    .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
            assertThat(env.getOrDefault("QUARKUS_PROFILE", "")).doesNotContain(ServiceTls.PROFILE);
        }
    }

    /** Proves: tls.enabled without a Secret refuses to render, naming the value; tls.enabled=false renders plain HTTP without the profile. */
    @Test
    void secretIsRequiredAndOffMeansPlaintext() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path required = Renders.requiredValues("ledger");
        assertThatThrownBy(() -> workspace.template("ledger", required,
                workspace.valuesFile("service-tls-no-secret", "tls: {enabled: true, secretName: \"\"}")))
                .hasMessageContaining("tls.secretName");

        RenderedManifests off = workspace.template("ledger", required,
                workspace.valuesFile("service-tls-off", "tls: {enabled: false}"));
        Deployment deployment = off.deploymentOf("ledger");
        assertThat(Renders.settingsOf(off, deployment)).doesNotContainKeys("QUARKUS_PROFILE", "AICUNET_SERVICE_TLS_DIRECTORY");
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .noneMatch(volume -> volume.getName().equals("service-tls"));
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe()
                .getHttpGet().getScheme()).isEqualTo("HTTP");
    }

    /** The production default of the directory (the chart's mount): platform/tenancy's unprofiled value. */
    private static String productionDirectory() {
        String directory = defaults().getProperty(ServiceTls.DIRECTORY_SETTING);
        assertThat(directory).as("%s in %s", ServiceTls.DIRECTORY_SETTING, DEFAULTS).isEqualTo("/etc/aicunet/service-tls");
        return directory;
    }

    /** The files under ${aicunet.service-tls.directory} that the %service-tls keys read. */
    private static List<String> filesTheDefaultsRead() {
        Pattern file = Pattern.compile("\\$\\{" + Pattern.quote(ServiceTls.DIRECTORY_SETTING) + "}/([A-Za-z0-9.]+)");
        return defaults().stringPropertyNames().stream()
                .filter(key -> key.startsWith("%" + ServiceTls.PROFILE + "."))
                .map(key -> file.matcher(defaults().getProperty(key)))
                .filter(Matcher::find)
                .map(matcher -> matcher.group(1))
                .distinct()
                .toList();
    }

    /** Settings as environment variables, the way SmallRye Config maps them back (dots and dashes to underscores). */
    private static Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>();
        settings.forEach((key, value) -> env.put(key.toUpperCase().replaceAll("[^A-Z0-9]", "_"), value));
        return env;
    }

    private static Properties defaults() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(DEFAULTS)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
