package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Trusted callers (issue 12) as deployed: every service verifies callers' tokens of the
 * configured issuer (its own audience, RS256 only), calls the others with its own
 * client-credentials account whose secret comes from an existing Secret, and asks an OPA
 * sidecar whose API is closed (token authentication, the system authorization policy)
 * with a bearer token from an existing Secret. A chart without the issuer or these
 * Secrets does not render.
 */
class TrustedCallersTest {

    static final String CLIENT_SECRET = "QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET";
    static final String OPA_TOKEN = "AICUNET_POLICY_BEARER_TOKEN";

    static Stream<Arguments> renders() {
        return Renders.all();
    }

    static Stream<String> renderedCharts() {
        return Fleet.RENDERED_CHARTS.stream();
    }

    /** Proves: every service is told the issuer, the issuer's JWKS, its own audience aicunet-<service>, RS256 only and the roles claim, and where (discovery off) and as whom its own account gets tokens; the migration Job has the same settings, so both start alike. */
    @ParameterizedTest
    @MethodSource("renders")
    void everyServiceGetsTheAuthenticationSettings(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            String issuer = configuredIssuer(chart, variant, service);
            assertThat(issuer).as("the issuer the values give %s", service).startsWith("https://");
            Map<String, String> expected = Map.of(
                    "MP_JWT_VERIFY_ISSUER", issuer,
                    "MP_JWT_VERIFY_PUBLICKEY_LOCATION", issuer + "/protocol/openid-connect/certs",
                    "MP_JWT_VERIFY_AUDIENCES", "aicunet-" + service,
                    "MP_JWT_VERIFY_PUBLICKEY_ALGORITHM", "RS256",
                    "SMALLRYE_JWT_PATH_GROUPS", "roles",
                    "QUARKUS_OIDC_CLIENT_DISCOVERY_ENABLED", "false",
                    "QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL", issuer,
                    "QUARKUS_OIDC_CLIENT_TOKEN_PATH", issuer + "/protocol/openid-connect/token",
                    "QUARKUS_OIDC_CLIENT_CLIENT_ID", service);

            assertThat(Renders.settingsOf(manifests, deployment)).as("settings of %s", service).containsAllEntriesOf(expected);
            assertThat(appContainer(deployment).getEnvFrom()).as("%s reads its settings", service)
                    .anySatisfy(source -> assertThat(source.getConfigMapRef().getName()).isEqualTo(deployment.getMetadata().getName()));
            Job migration = migrationOf(manifests, service);
            Map<String, String> migrationSettings = new java.util.HashMap<>();
            migration.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .filter(env -> env.getValue() != null)
                    .forEach(env -> migrationSettings.put(env.getName(), env.getValue()));
            assertThat(migrationSettings).as("settings of %s's migration", service).containsAllEntriesOf(expected);
        }
    }

    /** Proves: the service's client secret and OPA's bearer token come from the existing Secrets <service>-oidc-client and <service>-opa-token into the app container; the migration Job holds neither. */
    @ParameterizedTest
    @MethodSource("renders")
    void clientSecretAndOpaTokenComeFromSecrets(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            Container app = appContainer(deployment);
            assertThat(secretKeyOf(app, CLIENT_SECRET)).as("%s of %s", CLIENT_SECRET, service)
                    .contains(service + "-oidc-client/client-secret");
            assertThat(secretKeyOf(app, OPA_TOKEN)).as("%s of %s", OPA_TOKEN, service)
                    .contains(service + "-opa-token/token");

            List<EnvVar> migrationEnv = migrationOf(manifests, service).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
            assertThat(migrationEnv).extracting(EnvVar::getName).as("the migration of %s", service)
                    .doesNotContain(CLIENT_SECRET, OPA_TOKEN);
        }
    }

    /** Proves: the OPA sidecar runs with token authentication and basic authorization, serves its API on loopback only (no container port, no ingress), loads the service's policies, the rate limit policy and OPA's system policy from the policy ConfigMap, and checks the very token the service sends. */
    @ParameterizedTest
    @MethodSource("renders")
    void opaSidecarIsClosedWithTheServicesToken(String chart, Variant variant) throws IOException {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            Container opa = sidecarOf(deployment);
            int apiPort = URI.create(Renders.settingsOf(manifests, deployment).get("AICUNET_POLICY_OPA_URL")).getPort();

            assertThat(opa.getArgs()).as("OPA of %s", service)
                    .startsWith("run", "--server")
                    .contains("--addr=127.0.0.1:" + apiPort, "--authentication=token", "--authorization=basic")
                    .endsWith("/policies");
            assertThat(opa.getArgs()).noneMatch(arg -> arg.startsWith("--addr=") && !arg.startsWith("--addr=127.0.0.1:"));
            assertThat(opa.getPorts()).extracting(ContainerPort::getContainerPort).as("OPA's API is no container port").doesNotContain(apiPort);
            NetworkPolicy policy = manifests.all(NetworkPolicy.class).stream()
                    .filter(candidate -> ManifestCoverageTest.selects(candidate.getSpec().getPodSelector(),
                            deployment.getSpec().getTemplate().getMetadata().getLabels()))
                    .findFirst().orElseThrow();
            assertThat(policy.getSpec().getIngress()).flatExtracting(rule -> rule.getPorts())
                    .extracting(NetworkPolicyPort::getPort)
                    .allSatisfy(port -> assertThat(port.getStrVal()).as("ingress only to the service's http port").isEqualTo("http"));

            // The token OPA checks is the token the service sends: the same Secret and key.
            List<EnvVar> fromSecrets = opa.getEnv().stream().filter(env -> env.getValueFrom() != null).toList();
            assertThat(fromSecrets).as("OPA of %s reads one Secret", service).singleElement().satisfies(env -> {
                assertThat(env.getName()).isEqualTo("AICUNET_OPA_TOKEN");
                assertThat(secretKeyOf(opa, env.getName())).isEqualTo(secretKeyOf(appContainer(deployment), OPA_TOKEN));
            });
            assertThat(opa.getEnv()).allSatisfy(env -> assertThat(env.getValue()).as(env.getName()).isNull());

            VolumeMount policies = opa.getVolumeMounts().stream().filter(mount -> mount.getMountPath().equals("/policies"))
                    .findFirst().orElseThrow(() -> new AssertionError("OPA of " + service + " mounts no /policies"));
            assertThat(policies.getReadOnly()).isTrue();
            Volume volume = pod.getVolumes().stream().filter(candidate -> candidate.getName().equals(policies.getName()))
                    .findFirst().orElseThrow();
            ConfigMap policyConfigMap = manifests.all(ConfigMap.class).stream()
                    .filter(configMap -> configMap.getMetadata().getName().equals(volume.getConfigMap().getName()))
                    .findFirst().orElseThrow();
            Path chartFiles = Fleet.root().resolve("helm").resolve(service).resolve("files");
            assertThat(policyConfigMap.getData()).as("the policies of %s", service)
                    .containsEntry("system.authz.rego", Files.readString(chartFiles.resolve("system/authz.rego")).stripTrailing())
                    .containsEntry("limits.rego", Files.readString(chartFiles.resolve("limits/limits.rego")).stripTrailing())
                    .containsKeys("authz.rego")
                    .hasSize(4);
            assertThat(policyConfigMap.getData().get("system.authz.rego")).containsPattern("(?m)^package system\\.authz$");
        }
    }

    /** Proves: without the issuer (neither auth.issuer nor global.auth.issuer) no chart renders, and the error names auth.issuer. */
    @ParameterizedTest
    @MethodSource("renderedCharts")
    void renderFailsWithoutIssuer(String chart) {
        assertThatThrownBy(() -> HelmWorkspace.get().template(chart))
                .hasMessageContaining("auth.issuer is required")
                .hasMessageContaining("global.auth.issuer");
        // helm lint cannot prove this: in lint mode Helm turns `fail` into a log line.
    }

    /** Proves: without the Secret of the service's client secret, or of OPA's token, a chart does not render, and the error names the setting; through the umbrella too. */
    @Test
    void renderFailsWithoutClientSecretOrOpaTokenSecret() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path noClientSecret = workspace.valuesFile("no-client-secret", "auth:\n  client:\n    secret:\n      secretName: \"\"\n");
        Path noOpaToken = workspace.valuesFile("no-opa-token", "opa:\n  token:\n    secretName: \"\"\n");
        Path noAuditClientSecret = workspace.valuesFile("fleet-no-client-secret",
                "audit:\n  auth:\n    client:\n      secret:\n        secretName: \"\"\n");

        assertThatThrownBy(() -> workspace.template("ledger", Renders.requiredValues("ledger"), noClientSecret))
                .hasMessageContaining("auth.client.secret.secretName is required");
        assertThatThrownBy(() -> workspace.template("ledger", Renders.requiredValues("ledger"), noOpaToken))
                .hasMessageContaining("opa.token.secretName is required");
        assertThatThrownBy(() -> workspace.template("fleet", Renders.requiredValues("fleet"), noAuditClientSecret))
                .hasMessageContaining("auth.client.secret.secretName is required")
                .hasMessageContaining("audit");
    }

    /** Proves: a service's own auth settings win over global.auth, and the JWKS and the token endpoint may be elsewhere than under the issuer (e.g. inside the cluster), the audience and client id too. */
    @Test
    void serviceSettingsWinOverGlobalOnes() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path values = workspace.valuesFile("auth-overrides", """
                global:
                  auth:
                    issuer: https://global.example.com/realms/aicunet
                    tokenUrl: https://global.example.com/token
                auth:
                  issuer: https://own.example.com/realms/aicunet/
                  jwksUrl: https://keycloak.identity:8443/realms/aicunet/protocol/openid-connect/certs
                  audience: aicunet-ledger-v2
                  client:
                    id: ledger-eu
                """);

        RenderedManifests manifests = workspace.template("ledger", values);

        assertThat(Renders.settingsOf(manifests, manifests.onlyDeployment()))
                .containsEntry("MP_JWT_VERIFY_ISSUER", "https://own.example.com/realms/aicunet")
                .containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "https://keycloak.identity:8443/realms/aicunet/protocol/openid-connect/certs")
                .containsEntry("QUARKUS_OIDC_CLIENT_TOKEN_PATH", "https://global.example.com/token")
                .containsEntry("MP_JWT_VERIFY_AUDIENCES", "aicunet-ledger-v2")
                .containsEntry("QUARKUS_OIDC_CLIENT_CLIENT_ID", "ledger-eu");
    }

    /** The issuer the render's values give a service: its own auth.issuer, else global.auth.issuer. */
    private static String configuredIssuer(String chart, Variant variant, String service) {
        Map<String, Object> values = Renders.valuesOf(chart, variant, service);
        Object own = Yaml.at(values, "auth.issuer");
        return own != null && !own.toString().isEmpty() ? own.toString() : String.valueOf(Yaml.at(values, "global.auth.issuer"));
    }

    static Container appContainer(Deployment deployment) {
        String service = Renders.serviceOf(deployment);
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(container -> container.getName().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + service));
    }

    static Container sidecarOf(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(container -> container.getName().equals("opa")).findFirst()
                .orElseThrow(() -> new AssertionError("no OPA sidecar in " + deployment.getMetadata().getName()));
    }

    static Job migrationOf(RenderedManifests manifests, String service) {
        return manifests.jobs().stream()
                .filter(job -> service.equals(job.getMetadata().getLabels().get("app.kubernetes.io/name")))
                .findFirst().orElseThrow(() -> new AssertionError("no migration Job of " + service));
    }

    /** "secret/key" of the env entry of that name when it is read from a Secret, else empty. */
    static Optional<String> secretKeyOf(Container container, String name) {
        return container.getEnv().stream().filter(env -> env.getName().equals(name)).findFirst()
                .filter(env -> env.getValue() == null && env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null)
                .map(env -> env.getValueFrom().getSecretKeyRef().getName() + "/" + env.getValueFrom().getSecretKeyRef().getKey());
    }
}
