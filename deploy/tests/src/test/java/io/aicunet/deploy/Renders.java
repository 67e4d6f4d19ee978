package io.aicunet.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Every chart rendered with its defaults and with its production-like values, each once per test run. */
final class Renders {

    /** Which values a render used. */
    enum Variant {
        DEFAULTS, PRODUCTION
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
        return CACHE.computeIfAbsent(chart + "/" + variant, key -> variant == Variant.DEFAULTS
                ? HelmWorkspace.get().template(chart)
                : HelmWorkspace.get().template(chart, productionValues(chart)));
    }

    static Path productionValues(String chart) {
        return Fleet.root().resolve("helm").resolve(chart).resolve("ci/prod-values.yaml");
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
