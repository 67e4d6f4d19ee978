package io.aicunet.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every chart rendered with its defaults and with its production-like values, each once
 * per test run. "Defaults" are values.yaml with ci/required-values.yaml: the few settings
 * that have no default (the identity provider's issuer), without which a chart refuses
 * to render.
 */
final class Renders {

    /** Which values a render used. */
    enum Variant {
        /** values.yaml and ci/required-values.yaml. */
        DEFAULTS,
        /** values.yaml and ci/prod-values.yaml. */
        PRODUCTION
    }

    private static final Map<String, RenderedManifests> CACHE = new ConcurrentHashMap<>();

    private Renders() {
    }

    /** (chart, variant) for every chart that renders objects. */
    static Stream<Arguments> all() {
        return Fleet.RENDERED_CHARTS.stream()
                .flatMap(chart -> Stream.of(Variant.values()).map(variant -> Arguments.of(chart, variant)));
    }

    static synchronized RenderedManifests of(String chart, Variant variant) {
        return CACHE.computeIfAbsent(chart + "/" + variant, key -> HelmWorkspace.get().template(chart, valuesFile(chart, variant)));
    }

    /** The values file a variant lays over the chart's values.yaml. */
    static Path valuesFile(String chart, Variant variant) {
        return variant == Variant.DEFAULTS ? requiredValues(chart) : productionValues(chart);
    }

    static Path productionValues(String chart) {
        return Fleet.root().resolve("helm").resolve(chart).resolve("ci/prod-values.yaml");
    }

    /** The settings a chart cannot render without (ci/required-values.yaml). */
    static Path requiredValues(String chart) {
        return Fleet.root().resolve("helm").resolve(chart).resolve("ci/required-values.yaml");
    }

    /**
     * The values one service's chart renders with in a variant: its values.yaml, then
     * the variant's file (in the umbrella, that file's block of the service, after the
     * umbrella's own values.yaml block and with its globals).
     */
    static Map<String, Object> valuesOf(String chart, Variant variant, String service) {
        Map<String, Object> values = Yaml.read(Fleet.root().resolve("helm").resolve(service).resolve("values.yaml"));
        if (!chart.equals("fleet")) {
            return Yaml.merge(values, Yaml.read(valuesFile(chart, variant)));
        }
        for (Path file : List.of(Fleet.root().resolve("helm/fleet/values.yaml"), valuesFile(chart, variant))) {
            Map<String, Object> umbrella = Yaml.read(file);
            if (umbrella.get("global") != null) {
                values = Yaml.merge(values, Map.of("global", umbrella.get("global")));
            }
            if (umbrella.get(service) != null) {
                values = Yaml.merge(values, Yaml.map(umbrella.get(service)));
            }
        }
        return values;
    }

    /** The services a chart installs: the umbrella all five, a service chart its own. */
    static List<String> servicesOf(String chart) {
        return chart.equals("fleet") ? Fleet.SERVICES : List.of(chart);
    }

    static String serviceOf(Deployment deployment) {
        return deployment.getMetadata().getLabels().get("app.kubernetes.io/name");
    }

    /** The settings ConfigMap of a Deployment (same name). */
    static Map<String, String> settingsOf(RenderedManifests manifests, Deployment deployment) {
        String name = deployment.getMetadata().getName();
        return manifests.all(ConfigMap.class).stream()
                .filter(configMap -> configMap.getMetadata().getName().equals(name))
                .findFirst()
                .map(ConfigMap::getData)
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }
}
