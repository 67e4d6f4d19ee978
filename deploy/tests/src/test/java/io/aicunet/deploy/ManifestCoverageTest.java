package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every Deployment is reachable as its Service says, protected by a PDB and a NetworkPolicy, and scaled by an HPA. */
class ManifestCoverageTest {

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> renders() {
        return Renders.all();
    }

    /** Proves: every Deployment's pods are selected by exactly one PodDisruptionBudget, and no PDB selects a migration pod. */
    @ParameterizedTest
    @MethodSource("renders")
    void everyDeploymentHasPodDisruptionBudget(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        List<PodDisruptionBudget> budgets = manifests.all(PodDisruptionBudget.class);

        assertThat(manifests.deployments()).hasSize(Renders.servicesOf(chart).size());
        for (Deployment deployment : manifests.deployments()) {
            Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(budgets)
                    .as("PDBs of %s", deployment.getMetadata().getName())
                    .filteredOn(budget -> selects(budget.getSpec().getSelector(), podLabels))
                    .hasSize(1);
        }
        manifests.jobs().forEach(job -> assertThat(budgets)
                .noneMatch(budget -> selects(budget.getSpec().getSelector(), job.getSpec().getTemplate().getMetadata().getLabels())));
    }

    /** Proves: every Deployment's pods are selected by a NetworkPolicy that denies by default in both directions and admits callers only on the http port. */
    @ParameterizedTest
    @MethodSource("renders")
    void everyDeploymentHasDefaultDenyNetworkPolicy(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            NetworkPolicy policy = policyOf(manifests, deployment.getSpec().getTemplate().getMetadata().getLabels());
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(policy.getSpec().getIngress()).isNotEmpty();
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                assertThat(rule.getFrom()).as("an ingress rule names its peers").isNotEmpty();
                assertThat(rule.getPorts()).extracting(port -> port.getPort().getStrVal()).containsExactly("http");
            }
            assertThat(policy.getSpec().getIngress().get(0).getFrom())
                    .as("named callers")
                    .anySatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "api-gateway"));
        }
        manifests.jobs().forEach(job -> {
            NetworkPolicy policy = policyOf(manifests, job.getSpec().getTemplate().getMetadata().getLabels());
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(policy.getSpec().getIngress()).as("nobody calls a migration").isNullOrEmpty();
        });
    }

    /** Proves: a Deployment may reach only DNS and the ports of its own Postgres (its standbys and its reporting host too), Kafka, Redis, the identity provider and (every service but tenant) the tenant pods, each rule with named peers; the migration only DNS and Postgres. */
    @ParameterizedTest
    @MethodSource("renders")
    void egressOnlyToOwnDependencies(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            Map<String, String> settings = Renders.settingsOf(manifests, deployment);
            Set<Integer> expected = new HashSet<>(Set.of(53));
            // Every node of the service's Postgres: the primary and its standbys (database.standbys).
            for (String url : settings.get("QUARKUS_DATASOURCE_REACTIVE_URL").split(",")) {
                expected.add(port(url));
            }
            for (String broker : settings.get("KAFKA_BOOTSTRAP_SERVERS").split(",")) {
                expected.add(Integer.parseInt(broker.substring(broker.lastIndexOf(':') + 1)));
            }
            assertThat(settings).as("%s limits its callers' requests in Redis", service).containsKey("QUARKUS_REDIS_HOSTS");
            expected.add(port(settings.get("QUARKUS_REDIS_HOSTS")));
            assertThat(settings.get("QUARKUS_REDIS_HOSTS")).as("%s connects to Redis as its own ACL user", service)
                    .endsWith("?user=" + service);
            if (!service.equals("tenant")) {
                // The tenant pods' container port, which the tenant Service's grpc port reaches.
                expected.add(Fleet.HTTP_PORTS.get("tenant"));
            }
            if (settings.containsKey("QUARKUS_DATASOURCE_REPORTING_REACTIVE_URL")) {
                expected.add(port(settings.get("QUARKUS_DATASOURCE_REPORTING_REACTIVE_URL")));
            }
            // The identity provider (JWKS, token endpoint): its pods' or endpoint's ports, as configured.
            Map<String, Object> values = Renders.valuesOf(chart, variant, service);
            for (Object identityProviderPort : Yaml.list(Yaml.at(values, "auth.ports"))) {
                expected.add((Integer) identityProviderPort);
            }
            assertThat(settings.get("AICUNET_POLICY_OPA_URL")).as("OPA is the pod's sidecar").startsWith("http://127.0.0.1:");

            NetworkPolicy policy = policyOf(manifests, deployment.getSpec().getTemplate().getMetadata().getLabels());
            assertThat(egressPorts(policy)).as("egress ports of %s", service).isEqualTo(expected);
        }
        manifests.jobs().forEach(job -> {
            NetworkPolicy policy = policyOf(manifests, job.getSpec().getTemplate().getMetadata().getLabels());
            assertThat(egressPorts(policy)).containsExactlyInAnyOrder(53, 5432);
        });
    }

    /** Proves: each Service selects only its Deployment's pods and exposes ports http and grpc, both on the container port named http, which is the service's fleet port. */
    @ParameterizedTest
    @MethodSource("renders")
    void serviceExposesHttpAndGrpc(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getPorts()).singleElement().satisfies(port -> {
                assertThat(port.getName()).isEqualTo("http");
                assertThat(port.getContainerPort()).isEqualTo(Fleet.HTTP_PORTS.get(service));
            });
            assertThat(Renders.settingsOf(manifests, deployment)).containsEntry("QUARKUS_HTTP_PORT", Fleet.HTTP_PORTS.get(service).toString());

            Service kubernetesService = manifests.all(Service.class).stream()
                    .filter(candidate -> candidate.getMetadata().getName().equals(deployment.getMetadata().getName()))
                    .findFirst().orElseThrow(() -> new AssertionError("no Service for " + service));
            assertThat(kubernetesService.getSpec().getSelector())
                    .isEqualTo(deployment.getSpec().getSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/component", "server");
            assertThat(kubernetesService.getSpec().getPorts()).extracting(ServicePort::getName).containsExactly("http", "grpc");
            assertThat(kubernetesService.getSpec().getPorts())
                    .allSatisfy(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
            // HTTP/2 over TLS (tls.enabled, the default: ServiceTlsTest), not cleartext h2c.
            assertThat(kubernetesService.getSpec().getPorts().get(1).getAppProtocol()).isEqualTo("https");
        }
    }

    /** Proves: every Deployment is scaled by an HPA with at least two replicas, and then sets no replica count of its own. */
    @ParameterizedTest
    @MethodSource("renders")
    void everyDeploymentIsAutoscaled(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            assertThat(manifests.all(HorizontalPodAutoscaler.class))
                    .filteredOn(hpa -> hpa.getSpec().getScaleTargetRef().getName().equals(deployment.getMetadata().getName()))
                    .singleElement()
                    .satisfies(hpa -> {
                        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
                        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
                        assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThanOrEqualTo(hpa.getSpec().getMinReplicas());
                    });
            assertThat(deployment.getSpec().getReplicas()).isNull();
        }
    }

    private static NetworkPolicy policyOf(RenderedManifests manifests, Map<String, String> podLabels) {
        List<NetworkPolicy> policies = manifests.all(NetworkPolicy.class).stream()
                .filter(policy -> selects(policy.getSpec().getPodSelector(), podLabels))
                .toList();
        assertThat(policies).as("NetworkPolicies selecting %s", podLabels).hasSize(1);
        return policies.get(0);
    }

    private static Set<Integer> egressPorts(NetworkPolicy policy) {
        Set<Integer> ports = new HashSet<>();
        for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
            assertThat(rule.getTo()).as("an egress rule names its peers").isNotEmpty();
            assertThat(rule.getPorts()).as("an egress rule names its ports").isNotEmpty();
            for (NetworkPolicyPort port : rule.getPorts()) {
                ports.add(port.getPort().getIntVal());
            }
        }
        return ports;
    }

    /** Whether a label selector (matchLabels only: the charts use nothing else) selects pods with these labels. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        assertThat(selector.getMatchExpressions()).isNullOrEmpty();
        return selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()
                && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    private static int port(String url) {
        int port = URI.create(url).getPort();
        assertThat(port).as("port of %s", url).isPositive();
        return port;
    }
}
