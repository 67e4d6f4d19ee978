package io.aicunet.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The objects of one helm template run, parsed into fabric8's Kubernetes model
 * (custom resources such as ServiceMonitor and PrometheusRule stay generic), and the
 * text they were parsed from.
 */
record RenderedManifests(List<HasMetadata> objects, String text) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "apps/v1/Deployment", Deployment.class,
            "v1/Service", Service.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "batch/v1/Job", Job.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);

    static RenderedManifests parse(String manifest) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Map<String, Object> document : Yaml.readAll(manifest)) {
            String type = document.get("apiVersion") + "/" + document.get("kind");
            Class<? extends HasMetadata> modelType = TYPES.getOrDefault(type, GenericKubernetesResource.class);
            objects.add(MAPPER.convertValue(document, modelType));
        }
        return new RenderedManifests(List.copyOf(objects), manifest);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<Deployment> deployments() {
        return all(Deployment.class);
    }

    List<Job> jobs() {
        return all(Job.class);
    }

    /** Custom resources of a kind (ServiceMonitor, PrometheusRule). */
    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(resource -> kind.equals(resource.getKind())).toList();
    }

    /** Every pod spec: of the Deployments and of the Jobs. */
    List<PodSpec> podSpecs() {
        return Stream.concat(
                        deployments().stream().map(deployment -> deployment.getSpec().getTemplate().getSpec()),
                        jobs().stream().map(job -> job.getSpec().getTemplate().getSpec()))
                .toList();
    }

    /** Every container (init containers included) of every pod spec. */
    List<Container> containers() {
        return podSpecs().stream()
                .flatMap(pod -> Stream.concat(
                        pod.getContainers().stream(),
                        pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream()))
                .toList();
    }

    /** The service's own Deployment in a single-service render. */
    Deployment onlyDeployment() {
        List<Deployment> deployments = deployments();
        if (deployments.size() != 1) {
            throw new AssertionError("expected one Deployment, found " + deployments.size());
        }
        return deployments.get(0);
    }

    /** The Deployment of one service (its app.kubernetes.io/name label). */
    Deployment deploymentOf(String service) {
        return deployments().stream()
                .filter(deployment -> service.equals(deployment.getMetadata().getLabels().get("app.kubernetes.io/name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment of " + service));
    }
}
