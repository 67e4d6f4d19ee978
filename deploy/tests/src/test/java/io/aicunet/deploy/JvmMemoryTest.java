package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every service's JVM has a ceiling below its container's memory limit (docs/BENCHMARKS.md,
 * "Memory per service"): the heap is at most half the limit, and class metadata, compiled
 * code and direct buffers are bounded. Measured under the benchmarks, the JVM needed about
 * 290 MiB beside its heap; with the heap at 75% of 768 MiB (576 MiB) it could not fit.
 */
class JvmMemoryTest {

    /**
     * What the JVM was measured to need beside its heap under the benchmarks: 248 MiB
     * committed outside the heap by Native Memory Tracking (ledger and audit alike, G1), and
     * about 40 MiB more resident that NMT does not see (audit: RSS 677 MiB, NMT 640 MiB).
     */
    private static final long MEASURED_NON_HEAP_MIB = 290;

    static Stream<Arguments> renders() {
        return Renders.all();
    }

    /**
     * Proves: each service's JAVA_OPTS_APPEND bounds the heap to at most half the container's
     * memory limit and sets MaxMetaspaceSize, ReservedCodeCacheSize and MaxDirectMemorySize, and
     * the heap plus the measured rest fits the limit with 10% to spare.
     */
    @ParameterizedTest
    @MethodSource("renders")
    void theJvmFitsItsContainer(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            Map<String, String> settings = Renders.settingsOf(manifests, deployment);
            String options = settings.get("JAVA_OPTS_APPEND");
            assertThat(options).as(service).contains("-XX:MaxMetaspaceSize=", "-XX:ReservedCodeCacheSize=",
                    "-XX:MaxDirectMemorySize=", "-XX:+ExitOnOutOfMemoryError");
            Matcher share = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(options);
            assertThat(share.find()).as("%s: the heap is a share of the limit", service).isTrue();
            double percent = Double.parseDouble(share.group(1));
            assertThat(percent).as(service).isLessThanOrEqualTo(50.0);

            Quantity limit = TrustedCallersTest.appContainer(deployment).getResources().getLimits().get("memory");
            long limitMib = Quantity.getAmountInBytes(limit).divide(BigDecimal.valueOf(1L << 20)).longValue();
            double heapMib = limitMib * percent / 100;
            assertThat(heapMib + MEASURED_NON_HEAP_MIB).as("%s: heap %.0f MiB + %d MiB within 90%% of %d MiB",
                    service, heapMib, MEASURED_NON_HEAP_MIB, limitMib).isLessThanOrEqualTo(limitMib * 0.9);
        }
    }
}
