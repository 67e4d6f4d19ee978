package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Privacy requests (issue 8) as deployed: every service but tenant reaches the tenant
 * service over gRPC (settings and NetworkPolicy on both sides), every service writes
 * export parts to a writable directory that production shares through one claim, and
 * the tenant service's master keys come from an existing Secret.
 */
class PrivacySettingsTest {

    /** The name of the export directory's volume (ManifestSecurityTest lets it be writable). */
    static final String VOLUME = "privacy-objects";

    static final String DIRECTORY = "AICUNET_PRIVACY_OBJECT_STORE_DIRECTORY";
    static final String TENANT_HOST = "QUARKUS_GRPC_CLIENTS_TENANT_KEYS_HOST";
    static final String TENANT_PORT = "QUARKUS_GRPC_CLIENTS_TENANT_KEYS_PORT";

    /** The claim every production values file names. */
    static final String PRODUCTION_CLAIM = "aicunet-privacy-objects";

    /** The tenant service's server pods as the tenant chart labels them (release "rel" of the tests). */
    static final Map<String, String> TENANT_POD_LABELS = Map.of(
            "app.kubernetes.io/name", "tenant",
            "app.kubernetes.io/instance", "rel",
            "app.kubernetes.io/component", "server");

    static Stream<Arguments> renders() {
        return Renders.all();
    }

    /** Proves: every service but tenant is told the tenant Service's name and grpc port (in the umbrella, the Service it renders); tenant is not told to call itself. */
    @ParameterizedTest
    @MethodSource("renders")
    void servicesButTenantCallTheTenantService(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            Map<String, String> settings = Renders.settingsOf(manifests, deployment);
            if (service.equals("tenant")) {
                assertThat(settings).doesNotContainKeys(TENANT_HOST, TENANT_PORT);
                continue;
            }
            if (chart.equals("fleet")) {
                Service tenant = serviceNamed(manifests, manifests.deploymentOf("tenant").getMetadata().getName());
                int grpcPort = tenant.getSpec().getPorts().stream().filter(port -> port.getName().equals("grpc"))
                        .map(ServicePort::getPort).findFirst().orElseThrow();
                assertThat(settings).as("settings of %s", service)
                        .containsEntry(TENANT_HOST, tenant.getMetadata().getName())
                        .containsEntry(TENANT_PORT, Integer.toString(grpcPort));
            } else {
                // Alone, a service chart defaults to the name helm/fleet would give; production names the tenant release.
                assertThat(settings).as("settings of %s", service)
                        .containsEntry(TENANT_HOST, variant == Variant.DEFAULTS ? "rel-tenant" : "tenant")
                        .containsEntry(TENANT_PORT, "9000");
            }
        }
    }

    /** Proves: every service but tenant may reach the tenant pods on their container port (not the Service port), and only the tenant's server pods. */
    @ParameterizedTest
    @MethodSource("renders")
    void servicesButTenantMayReachTenantPods(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        Map<String, String> tenantPods = chart.equals("fleet")
                ? manifests.deploymentOf("tenant").getSpec().getTemplate().getMetadata().getLabels()
                : TENANT_POD_LABELS;

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            NetworkPolicy policy = policyOf(manifests, deployment.getSpec().getTemplate().getMetadata().getLabels());
            List<NetworkPolicyEgressRule> toTenant = policy.getSpec().getEgress().stream()
                    .filter(rule -> rule.getTo().stream().anyMatch(peer -> selects(peer, tenantPods)))
                    .toList();
            if (service.equals("tenant")) {
                assertThat(toTenant).as("tenant does not call itself").isEmpty();
                continue;
            }
            assertThat(toTenant).as("egress of %s to the tenant pods", service).singleElement().satisfies(rule -> {
                assertThat(rule.getPorts()).extracting(NetworkPolicyPort::getPort)
                        .extracting(port -> port.getIntVal())
                        .containsExactly(Fleet.HTTP_PORTS.get("tenant"));
                assertThat(rule.getPorts()).extracting(NetworkPolicyPort::getProtocol).containsExactly("TCP");
                Map<String, String> migrationPods = new java.util.HashMap<>(tenantPods);
                migrationPods.put("app.kubernetes.io/component", "migration");
                assertThat(rule.getTo()).as("not the tenant's migration").noneMatch(peer -> selects(peer, migrationPods));
            });
        }
    }

    /** Proves: the tenant's NetworkPolicy admits every service that calls it, on the http port (in the umbrella, the very pods it renders). */
    @ParameterizedTest
    @MethodSource("renders")
    void tenantAdmitsTheServicesThatCallIt(String chart, Variant variant) {
        if (!chart.equals("tenant") && !chart.equals("fleet")) {
            return;
        }
        RenderedManifests manifests = Renders.of(chart, variant);
        Deployment tenant = manifests.deploymentOf("tenant");
        NetworkPolicy policy = policyOf(manifests, tenant.getSpec().getTemplate().getMetadata().getLabels());

        for (String caller : List.of("ledger", "agent-state", "audit", "config")) {
            Map<String, String> callerPods = chart.equals("fleet")
                    ? manifests.deploymentOf(caller).getSpec().getTemplate().getMetadata().getLabels()
                    : Map.of("app.kubernetes.io/name", caller, "app.kubernetes.io/instance", "rel",
                            "app.kubernetes.io/component", "server");
            assertThat(policy.getSpec().getIngress())
                    .as("ingress of tenant from %s", caller)
                    .anySatisfy(rule -> {
                        // Production may add a namespace selector to every caller: the pod selector decides here.
                        assertThat(rule.getFrom()).anyMatch(peer -> peer.getPodSelector() != null
                                && ManifestCoverageTest.selects(peer.getPodSelector(), callerPods));
                        assertThat(rule.getPorts()).extracting(port -> port.getPort().getStrVal()).containsExactly("http");
                    });
        }
    }

    /** Proves: every service container mounts a writable volume at the export directory it is told; production mounts one shared claim, the defaults an emptyDir; the OPA sidecar and the migration do not mount it. */
    @ParameterizedTest
    @MethodSource("renders")
    void everyServiceWritesExportsToTheMountedDirectory(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        Set<String> claims = new HashSet<>();

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            String directory = Renders.settingsOf(manifests, deployment).get(DIRECTORY);
            assertThat(directory).as("%s of %s", DIRECTORY, service).startsWith("/").isNotEqualTo("/tmp");

            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            Container app = pod.getContainers().stream().filter(container -> container.getName().equals(service))
                    .findFirst().orElseThrow();
            VolumeMount mount = app.getVolumeMounts().stream().filter(candidate -> candidate.getName().equals(VOLUME))
                    .findFirst().orElseThrow(() -> new AssertionError(service + " does not mount " + VOLUME));
            assertThat(mount.getMountPath()).isEqualTo(directory);
            assertThat(mount.getReadOnly()).as("the export directory of %s is writable", service).isNotEqualTo(Boolean.TRUE);
            assertThat(app.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(pod.getContainers()).filteredOn(container -> !container.getName().equals(service))
                    .allSatisfy(other -> assertThat(other.getVolumeMounts()).extracting(VolumeMount::getName).doesNotContain(VOLUME));

            Volume volume = pod.getVolumes().stream().filter(candidate -> candidate.getName().equals(VOLUME)).findFirst().orElseThrow();
            if (variant == Variant.PRODUCTION) {
                assertThat(volume.getPersistentVolumeClaim()).as("%s exports to a claim", service).isNotNull();
                assertThat(volume.getPersistentVolumeClaim().getReadOnly()).isNotEqualTo(Boolean.TRUE);
                assertThat(volume.getEmptyDir()).isNull();
                claims.add(volume.getPersistentVolumeClaim().getClaimName());
            } else {
                assertThat(volume.getEmptyDir()).as("%s exports to an emptyDir without a claim", service).isNotNull();
                assertThat(volume.getEmptyDir().getSizeLimit()).isNotNull();
                assertThat(volume.getPersistentVolumeClaim()).isNull();
            }
        }
        if (variant == Variant.PRODUCTION) {
            assertThat(claims).as("one claim shared by every service").containsExactly(PRODUCTION_CLAIM);
        }
        for (var job : manifests.jobs()) {
            PodSpec pod = job.getSpec().getTemplate().getSpec();
            assertThat(pod.getVolumes()).extracting(Volume::getName).doesNotContain(VOLUME);
            assertThat(pod.getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                    .doesNotContain(DIRECTORY, TENANT_HOST, TENANT_PORT);
        }
    }

    /**
     * Proves: with privacy.objectStore.kind s3 a service is told the store's endpoint,
     * region, bucket and CA file, reads its access key and secret key from the existing
     * Secret, mounts the CA read-only and no export directory, and may reach the store's
     * peers on its port; without an endpoint, bucket, credentials or egress peers the
     * render fails naming what is missing.
     */
    @Test
    void anS3ObjectStoreIsReachedWithCredentialsFromASecret() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path s3 = workspace.valuesFile("ledger-s3", """
                privacy:
                  objectStore:
                    kind: s3
                    s3:
                      endpoint: https://objects.example.com
                      bucket: fleet-exports
                      credentialsSecret: fleet-object-store
                      caSecret: {name: objects-ca, key: ca.crt}
                      egressTo: [{ipBlock: {cidr: 10.20.0.0/16}}]
                """);
        RenderedManifests manifests = workspace.template("ledger", Renders.productionValues("ledger"), s3);
        Deployment ledger = manifests.deploymentOf("ledger");
        Map<String, String> settings = Renders.settingsOf(manifests, ledger);

        assertThat(settings).containsEntry("AICUNET_PRIVACY_OBJECT_STORE_KIND", "s3")
                .containsEntry("AICUNET_PRIVACY_OBJECT_STORE_S3_ENDPOINT", "https://objects.example.com")
                .containsEntry("AICUNET_PRIVACY_OBJECT_STORE_S3_BUCKET", "fleet-exports")
                .containsEntry("AICUNET_PRIVACY_OBJECT_STORE_S3_CA_CERTIFICATE", "/etc/aicunet/object-store-ca/ca.crt")
                .doesNotContainKey(DIRECTORY);
        Container app = ledger.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, EnvVar> env = app.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(secretKeyOf(env.get("AICUNET_PRIVACY_OBJECT_STORE_S3_ACCESS_KEY"))).contains("fleet-object-store/access-key");
        assertThat(secretKeyOf(env.get("AICUNET_PRIVACY_OBJECT_STORE_S3_SECRET_KEY"))).contains("fleet-object-store/secret-key");
        assertThat(app.getVolumeMounts()).extracting(VolumeMount::getName).contains("object-store-ca").doesNotContain(VOLUME);
        assertThat(app.getVolumeMounts()).filteredOn(mount -> mount.getName().equals("object-store-ca"))
                .singleElement().satisfies(mount -> assertThat(mount.getReadOnly()).isTrue());
        NetworkPolicy policy = policyOf(manifests, ledger.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> {
            assertThat(rule.getTo()).extracting(peer -> peer.getIpBlock() == null ? null : peer.getIpBlock().getCidr())
                    .containsExactly("10.20.0.0/16");
            assertThat(rule.getPorts()).extracting(port -> port.getPort().getIntVal()).containsExactly(443);
        });

        Path incomplete = workspace.valuesFile("ledger-s3-incomplete", """
                privacy:
                  objectStore:
                    kind: s3
                    s3: {endpoint: https://objects.example.com, egressTo: [{ipBlock: {cidr: 10.20.0.0/16}}]}
                """);
        assertThatThrownBy(() -> workspace.template("ledger", Renders.requiredValues("ledger"), incomplete))
                .hasMessageContaining("s3.bucket and s3.credentialsSecret");
        Path closed = workspace.valuesFile("ledger-s3-no-egress", """
                privacy:
                  objectStore:
                    kind: s3
                    s3: {endpoint: https://objects.example.com, bucket: fleet-exports, credentialsSecret: s}
                """);
        assertThatThrownBy(() -> workspace.template("ledger", Renders.requiredValues("ledger"), closed))
                .hasMessageContaining("s3.egressTo");
    }

    /** Proves: the tenant app reads its active master key id and every master key from the existing Secret; no other container sees a master key. */
    @ParameterizedTest
    @MethodSource("renders")
    void tenantReadsMasterKeysFromSecret(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        List<String> keyIds = variant == Variant.PRODUCTION ? List.of("k1", "k2") : List.of("k1");

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, EnvVar> masterKeys = app.getEnv().stream().filter(env -> env.getName().startsWith("TENANT_MASTER_KEY"))
                    .collect(Collectors.toMap(EnvVar::getName, env -> env));
            if (!service.equals("tenant")) {
                assertThat(masterKeys).as("master keys in %s", service).isEmpty();
                continue;
            }
            assertThat(secretKeyOf(masterKeys.get("TENANT_MASTER_KEY_ID"))).contains("tenant-master-keys/active-key-id");
            for (String id : keyIds) {
                assertThat(secretKeyOf(masterKeys.get("TENANT_MASTER_KEYS_" + id.toUpperCase(java.util.Locale.ROOT))))
                        .as("master key %s", id).contains("tenant-master-keys/" + id);
            }
            assertThat(masterKeys).hasSize(1 + keyIds.size());
        }
        for (var job : manifests.jobs()) {
            assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                    .extracting(EnvVar::getName).noneMatch(name -> name.startsWith("TENANT_MASTER_KEY"));
        }
    }

    private static Optional<String> secretKeyOf(EnvVar env) {
        if (env == null || env.getValue() != null || env.getValueFrom() == null || env.getValueFrom().getSecretKeyRef() == null) {
            return Optional.empty();
        }
        return Optional.of(env.getValueFrom().getSecretKeyRef().getName() + "/" + env.getValueFrom().getSecretKeyRef().getKey());
    }

    private static Service serviceNamed(RenderedManifests manifests, String name) {
        return manifests.all(Service.class).stream().filter(service -> service.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no Service " + name));
    }

    private static NetworkPolicy policyOf(RenderedManifests manifests, Map<String, String> podLabels) {
        List<NetworkPolicy> policies = manifests.all(NetworkPolicy.class).stream()
                .filter(policy -> ManifestCoverageTest.selects(policy.getSpec().getPodSelector(), podLabels))
                .toList();
        assertThat(policies).as("NetworkPolicies selecting %s", podLabels).hasSize(1);
        return policies.get(0);
    }

    /** Whether a peer selects pods with these labels in the policy's own namespace (a pod selector, no namespace or IP block). */
    private static boolean selects(NetworkPolicyPeer peer, Map<String, String> labels) {
        return peer.getPodSelector() != null && peer.getIpBlock() == null
                && (peer.getNamespaceSelector() == null || peer.getNamespaceSelector().getMatchLabels() == null
                        || peer.getNamespaceSelector().getMatchLabels().isEmpty())
                && ManifestCoverageTest.selects(peer.getPodSelector(), labels);
    }
}
