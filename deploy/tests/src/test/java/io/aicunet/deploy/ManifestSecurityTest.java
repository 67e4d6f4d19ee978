package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rendered pods are hardened, observable by probes, pinned, and hold no credential in plain text. */
class ManifestSecurityTest {

    /** Names of settings that are credentials: these must come from a Secret. */
    static final Pattern CREDENTIAL_NAME =
            Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|JAAS|PRIVATE_KEY|API_KEY|USERNAME).*");

    /** Settings whose names look like credentials but which are not: the identity provider's token endpoint URL. */
    static final java.util.Set<String> NOT_CREDENTIALS = java.util.Set.of("QUARKUS_OIDC_CLIENT_TOKEN_PATH");

    /** Whether a setting of this name holds a credential, so must come from a Secret. */
    static boolean isCredentialName(String name) {
        return CREDENTIAL_NAME.matcher(name).matches() && !NOT_CREDENTIALS.contains(name);
    }

    /** Values that carry a credential inline: a password parameter, user:password@ in a URL, a dev password. */
    static final Pattern CREDENTIAL_VALUE =
            Pattern.compile("(?i).*(password=|://[^/@\\s]+:[^/@\\s]+@|_dev\\b|fleet-dev).*");

    /** An image pinned to a tag other than latest, optionally with a digest. */
    static final Pattern PINNED_IMAGE =
            Pattern.compile("^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$");

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> renders() {
        return Renders.all();
    }

    /** Proves: every pod runs as a non-root user with seccomp RuntimeDefault and without a service-account token. */
    @ParameterizedTest
    @MethodSource("renders")
    void podsRunAsNonRootWithoutToken(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        List<PodSpec> pods = manifests.podSpecs();
        assertThat(pods).hasSize(Renders.servicesOf(chart).size() * 2);

        for (PodSpec pod : pods) {
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        }
        assertThat(manifests.all(ServiceAccount.class))
                .allSatisfy(account -> assertThat(account.getAutomountServiceAccountToken()).isFalse());
    }

    /** Proves: every container is non-root, read-only, without capabilities or escalation, with requests and limits, and writes only to an emptyDir /tmp and (the service container) the privacy export directory. */
    @ParameterizedTest
    @MethodSource("renders")
    void containersAreHardenedAndLimited(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (PodSpec pod : manifests.podSpecs()) {
            for (Container container : pod.getContainers()) {
                SecurityContext security = container.getSecurityContext();
                assertThat(security).as(container.getName()).isNotNull();
                assertThat(security.getRunAsNonRoot()).as(container.getName()).isTrue();
                if (security.getRunAsUser() != null) {
                    assertThat(security.getRunAsUser()).as(container.getName()).isPositive();
                }
                assertThat(security.getAllowPrivilegeEscalation()).as(container.getName()).isFalse();
                assertThat(security.getPrivileged()).as(container.getName()).isFalse();
                assertThat(security.getReadOnlyRootFilesystem()).as(container.getName()).isTrue();
                assertThat(security.getCapabilities().getDrop()).as(container.getName()).containsExactly("ALL");
                assertThat(security.getCapabilities().getAdd()).as(container.getName()).isNullOrEmpty();

                assertThat(container.getResources().getLimits()).as(container.getName()).containsKeys("cpu", "memory");
                assertThat(container.getResources().getRequests()).as(container.getName()).containsKeys("cpu", "memory");

                VolumeMount tmp = container.getVolumeMounts().stream()
                        .filter(mount -> mount.getMountPath().equals("/tmp")).findFirst()
                        .orElseThrow(() -> new AssertionError(container.getName() + " has no /tmp"));
                Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst().orElseThrow();
                assertThat(volume.getEmptyDir()).as("/tmp of %s is an emptyDir", container.getName()).isNotNull();
                // The privacy export directory is the one other writable mount (PrivacySettingsTest checks it).
                assertThat(container.getVolumeMounts())
                        .filteredOn(mount -> !mount.getMountPath().equals("/tmp"))
                        .filteredOn(mount -> !mount.getName().equals(PrivacySettingsTest.VOLUME))
                        .allSatisfy(mount -> assertThat(mount.getReadOnly()).as(mount.getMountPath()).isTrue());
            }
        }
    }

    /** Proves: every Deployment container has startup, readiness and liveness probes; the service's own probe /q/health/started|ready|live. */
    @ParameterizedTest
    @MethodSource("renders")
    void deploymentContainersHaveProbes(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
            for (Container container : containers) {
                assertThat(container.getStartupProbe()).as(container.getName()).isNotNull();
                assertThat(container.getReadinessProbe()).as(container.getName()).isNotNull();
                assertThat(container.getLivenessProbe()).as(container.getName()).isNotNull();
            }
            Container service = containers.stream()
                    .filter(container -> container.getName().equals(Renders.serviceOf(deployment))).findFirst()
                    .orElseThrow(() -> new AssertionError("no container named after the service"));
            assertThat(path(service.getStartupProbe())).isEqualTo("/q/health/started");
            assertThat(path(service.getReadinessProbe())).isEqualTo("/q/health/ready");
            assertThat(path(service.getLivenessProbe())).isEqualTo("/q/health/live");
            assertThat(service.getStartupProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        }
    }

    /** Proves: no credential is rendered in plain text: no Secret objects, credentials only through secretKeyRef, no password in settings or URLs. */
    @ParameterizedTest
    @MethodSource("renders")
    void credentialsComeOnlyFromExistingSecrets(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        assertThat(manifests.all(Secret.class)).as("the charts create no Secret").isEmpty();
        for (Container container : manifests.containers()) {
            for (EnvVar env : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
                if (isCredentialName(env.getName())) {
                    assertThat(env.getValue()).as("%s of %s has a plain value", env.getName(), container.getName()).isNull();
                    assertThat(env.getValueFrom().getSecretKeyRef())
                            .as("%s of %s comes from a Secret", env.getName(), container.getName()).isNotNull();
                }
                if (env.getValue() != null) {
                    assertThat(env.getValue()).as(env.getName()).doesNotMatch(CREDENTIAL_VALUE);
                }
            }
        }
        for (ConfigMap configMap : manifests.all(ConfigMap.class)) {
            for (Map.Entry<String, String> entry : configMap.getData().entrySet()) {
                if (entry.getKey().endsWith(".rego") || entry.getKey().endsWith(".json")) {
                    continue;
                }
                assertThat(isCredentialName(entry.getKey())).as("%s is a credential in a ConfigMap", entry.getKey()).isFalse();
                assertThat(entry.getValue()).as(entry.getKey()).doesNotMatch(CREDENTIAL_VALUE);
            }
        }
    }

    /** Proves: every image is pinned to a tag that is not "latest" (a digest may follow). */
    @ParameterizedTest
    @MethodSource("renders")
    void imagesArePinned(String chart, Variant variant) {
        List<Container> containers = Renders.of(chart, variant).containers();

        assertThat(containers).isNotEmpty();
        assertThat(containers).allSatisfy(container -> assertThat(container.getImage()).matches(PINNED_IMAGE));
    }

    private static String path(Probe probe) {
        return probe.getHttpGet().getPath();
    }
}
