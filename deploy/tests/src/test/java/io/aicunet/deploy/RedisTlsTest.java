package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The charts connect the services to Redis the way the local TLS tests do (docs/tls.md,
 * "Redis"): rediss:// only, verified through the TLS registry configuration {@code redis} of
 * platform/limits' defaults (the CA aicunet.redis.ca-certificate, hostname verification
 * HTTPS), with the CA mounted read-only from {@code <service>-redis-ca} (key {@code ca.crt},
 * as cert-manager writes it) or a ConfigMap, in the app and in the migration Job (which
 * starts the application, TLS registry included). The charts set only the URL and the CA's
 * path, the production default of aicunet.redis.ca-certificate: every other TLS key is the
 * default that platform/testing's RedisTlsTest, agent-state's RedisTlsTest and every service
 * test connected with on the local stack. A plaintext URL or no CA does not render.
 */
class RedisTlsTest {

    private static final String CA_DIRECTORY = "/etc/aicunet/redis-tls";
    private static final String CA_FILE = CA_DIRECTORY + "/ca.crt";

    static Stream<Arguments> renders() {
        return Renders.all();
    }

    /** Proves: the defaults the local tests ran with are TLS with the registry's configuration "redis", its CA read from the chart's mount path, host names checked. */
    @Test
    void theServicesDefaultsAreTlsWithHostnameVerification() {
        Properties defaults = CaMounts.settingsOf("ledger", "limits");
        assertThat(defaults.getProperty("quarkus.redis.hosts")).startsWith("rediss://");
        assertThat(defaults.getProperty("quarkus.redis.tls-configuration-name")).isEqualTo("redis");
        assertThat(defaults.getProperty("quarkus.tls.redis.trust-store.pem.certs")).isEqualTo("${aicunet.redis.ca-certificate}");
        assertThat(defaults.getProperty("quarkus.tls.redis.hostname-verification-algorithm")).isEqualTo("HTTPS");
        assertThat(defaults.getProperty("aicunet.redis.ca-certificate")).isEqualTo(CA_FILE);
        assertThat(defaults.stringPropertyNames()).as("nothing turns verification off")
                .noneMatch(name -> name.contains("trust-all") && name.contains("redis"));
    }

    /**
     * Proves: every app and migration Job (all charts, all variants) gets rediss:// URLs with its
     * own user, the CA path of the defaults, the CA mounted read-only from <service>-redis-ca,
     * and no key that would change the TLS settings the local tests proved.
     */
    @ParameterizedTest
    @MethodSource("renders")
    void everyServiceVerifiesRedisWithTheMountedCa(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);
        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            Map<String, String> settings = Renders.settingsOf(manifests, deployment);
            assertThat(settings).as(service)
                    .containsEntry("AICUNET_REDIS_CA_CERTIFICATE", CaMounts.settingsOf(service, "limits")
                            .getProperty("aicunet.redis.ca-certificate"));
            assertThat(List.of(settings.get("QUARKUS_REDIS_HOSTS").split(","))).as(service)
                    .allSatisfy(url -> assertThat(url.strip()).startsWith("rediss://").contains("user=" + service));
            assertThat(settings.keySet()).as("%s: the TLS keys stay the defaults'", service)
                    .noneMatch(name -> name.startsWith("QUARKUS_TLS_REDIS_") || name.startsWith("QUARKUS_REDIS_TLS"));
            CaMounts.assertCaMountedInAppAndMigration(manifests, deployment, service, "redis-ca", CA_DIRECTORY,
                    service + "-redis-ca");
        }
    }

    /** Proves: a plaintext Redis URL, or no CA to verify the server with, does not render. */
    @Test
    void redisWithoutTlsOrWithoutCaDoesNotRender() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path required = Renders.requiredValues("ledger");
        assertThatThrownBy(() -> workspace.template("ledger", required,
                workspace.valuesFile("redis-plaintext", "redis: {hosts: \"redis://redis-master:6379\"}")))
                .hasMessageContaining("is not rediss://");
        assertThatThrownBy(() -> workspace.template("ledger", required,
                workspace.valuesFile("redis-tls-and-plaintext", "redis: {hosts: \"rediss://a:6379,redis://b:6379\"}")))
                .hasMessageContaining("is not rediss://");
        assertThatThrownBy(() -> workspace.template("ledger", required, workspace.valuesFile("redis-no-ca",
                "redis: {tls: {caSecret: {name: \"\"}, caConfigMap: {name: \"\"}}}")))
                .hasMessageContaining("redis.tls");
    }
}
