package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** helm lint --strict of every chart, with its defaults and with its production-like values. */
class ChartLintTest {

    static Stream<String> charts() {
        return Fleet.CHARTS.stream();
    }

    static Stream<Arguments> chartsWithProductionValues() {
        return Fleet.RENDERED_CHARTS.stream().map(chart -> Arguments.of(chart, productionValues(chart)));
    }

    static Path productionValues(String chart) {
        return Fleet.root().resolve("helm").resolve(chart).resolve("ci/prod-values.yaml");
    }

    /** Proves: every chart passes helm lint --strict (no error, no warning) with its own values (and, but for the library, the settings that have no default: ci/required-values.yaml). */
    @ParameterizedTest
    @MethodSource("charts")
    void lintsStrictlyWithDefaults(String chart) {
        LintResult result = chart.equals("aicunet-lib")
                ? HelmWorkspace.get().lint(chart)
                : HelmWorkspace.get().lint(chart, Renders.requiredValues(chart));

        assertLintClean(chart, result);
    }

    /** Proves: every chart passes helm lint --strict with its production-like values file laid over its defaults. */
    @ParameterizedTest
    @MethodSource("chartsWithProductionValues")
    void lintsStrictlyWithProductionValues(String chart, Path values) {
        assertThat(values).isRegularFile();

        LintResult result = HelmWorkspace.get().lint(chart, values);

        assertLintClean(chart, result);
    }

    private static void assertLintClean(String chart, LintResult result) {
        assertThat(result.isFailed()).as("lint of %s failed: %s", chart, result.getMessages()).isFalse();
        assertThat(result.getMessages())
                .as("lint messages of %s", chart)
                .noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
    }
}
