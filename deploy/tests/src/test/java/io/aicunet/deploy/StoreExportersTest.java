package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The umbrella chart's store exporters (postgres_exporter, redis_exporter), the stores'
 * dashboard and the Postgres audit settings (issue 13, items 6 and 7), rendered with
 * ci/exporters-values.yaml over the production values: hardened like the services'
 * pods, credentials only from existing Secrets, each exporter fenced by its own
 * NetworkPolicy, and nothing of it rendered unless switched on.
 */
class StoreExportersTest {

    private static final Set<String> EXPORTERS = Set.of(
            "rel-postgres-exporter-ledger", "rel-postgres-exporter-tenant", "rel-redis-exporter-agent-state");

    private static RenderedManifests manifests;

    private static synchronized RenderedManifests rendered() {
        if (manifests == null) {
            manifests = HelmWorkspace.get().template("fleet", Renders.productionValues("fleet"), exportersValues());
        }
        return manifests;
    }

    private static Path exportersValues() {
        return Fleet.root().resolve("helm/fleet/ci/exporters-values.yaml");
    }

    private static List<Deployment> exporters() {
        return rendered().deployments().stream()
                .filter(deployment -> deployment.getMetadata().getName().contains("-exporter-"))
                .toList();
    }

    /** Proves: with exporters on, one exporter Deployment per target is rendered, each with a Service and a ServiceMonitor that labels its series with the store's name. */
    @Test
    void oneExporterPerTarget() {
        assertThat(exporters()).extracting(deployment -> deployment.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(EXPORTERS);
        List<GenericKubernetesResource> monitors = rendered().custom("ServiceMonitor").stream()
                .filter(monitor -> EXPORTERS.contains(monitor.getMetadata().getName())).toList();
        assertThat(monitors).hasSize(EXPORTERS.size()).allSatisfy(monitor -> {
            Map<String, Object> endpoint = Yaml.map(Yaml.list(Yaml.at(monitor.getAdditionalProperties(), "spec.endpoints")).get(0));
            assertThat(endpoint).containsEntry("port", "metrics").containsEntry("path", "/metrics");
            assertThat(Yaml.list(endpoint.get("relabelings"))).anySatisfy(relabeling -> assertThat(Yaml.map(relabeling))
                    .containsEntry("targetLabel", "store"));
        });
    }

    /** Proves: every exporter pod runs as nobody with seccomp, no service-account token, a read-only root, no capabilities, requests and limits, only an emptyDir /tmp writable, and a pinned image. */
    @Test
    void exportersAreHardenedAndPinned() {
        assertThat(exporters()).isNotEmpty().allSatisfy(deployment -> {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65534L);
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
            for (Container container : pod.getContainers()) {
                SecurityContext security = container.getSecurityContext();
                assertThat(security.getRunAsNonRoot()).isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).isFalse();
                assertThat(security.getPrivileged()).isFalse();
                assertThat(security.getReadOnlyRootFilesystem()).isTrue();
                assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
                assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
                assertThat(container.getImage()).matches(ManifestSecurityTest.PINNED_IMAGE);
                assertThat(container.getLivenessProbe()).isNotNull();
                assertThat(container.getReadinessProbe()).isNotNull();
                container.getVolumeMounts().forEach(mount -> {
                    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
                    if (mount.getMountPath().equals("/tmp")) {
                        assertThat(volume.getEmptyDir()).isNotNull();
                    } else {
                        assertThat(mount.getReadOnly()).as(mount.getMountPath()).isTrue();
                        assertThat(volume.getSecret()).as("only a CA certificate besides /tmp").isNotNull();
                    }
                });
            }
        });
        assertThat(exporters()).extracting(deployment -> deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .contains("registry.internal.example.com/prometheuscommunity/postgres-exporter:v0.17.1",
                        "registry.internal.example.com/oliver006/redis_exporter:v1.67.0");
    }

    /** Proves: the exporters' logins come only from existing Secrets (secretKeyRef), no plain value carries a credential, and the chart renders no Secret. */
    @Test
    void credentialsComeOnlyFromExistingSecrets() {
        Set<String> fromSecrets = Set.of("DATA_SOURCE_USER", "DATA_SOURCE_PASS", "REDIS_USER", "REDIS_PASSWORD");
        List<String> seen = new ArrayList<>();
        for (Deployment deployment : exporters()) {
            for (EnvVar env : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                if (fromSecrets.contains(env.getName()) || ManifestSecurityTest.isCredentialName(env.getName())) {
                    assertThat(env.getValue()).as(env.getName()).isNull();
                    assertThat(env.getValueFrom().getSecretKeyRef()).as(env.getName()).isNotNull();
                    seen.add(env.getName());
                } else {
                    assertThat(env.getValue()).as(env.getName()).doesNotMatch(ManifestSecurityTest.CREDENTIAL_VALUE);
                }
            }
        }
        assertThat(seen).containsAll(fromSecrets);
        assertThat(rendered().all(io.fabric8.kubernetes.api.model.Secret.class)).isEmpty();
        assertThat(env("rel-postgres-exporter-ledger", "DATA_SOURCE_URI"))
                .isEqualTo("ledger.postgres.internal.example.com:5432/ledger?sslmode=verify-full&sslrootcert=/etc/exporter/ca/ca.crt");
        assertThat(env("rel-redis-exporter-agent-state", "REDIS_EXPORTER_CHECK_KEY_GROUPS")).isEqualTo("^t:{([^}]+)}:");
    }

    /** Proves: each exporter's NetworkPolicy denies by default, admits only the scrapers on the metrics port, and lets the exporter reach only DNS and its own store's port. */
    @Test
    void eachExporterIsFencedByItsNetworkPolicy() {
        Map<String, Integer> storePorts = Map.of("rel-postgres-exporter-ledger", 5432, "rel-postgres-exporter-tenant", 5432,
                "rel-redis-exporter-agent-state", 6380);
        for (String exporter : EXPORTERS) {
            NetworkPolicy policy = rendered().all(NetworkPolicy.class).stream()
                    .filter(candidate -> candidate.getMetadata().getName().equals(exporter)).findFirst()
                    .orElseThrow(() -> new AssertionError("no NetworkPolicy " + exporter));
            Deployment deployment = exporters().stream().filter(d -> d.getMetadata().getName().equals(exporter)).findFirst().orElseThrow();
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            List<NetworkPolicyIngressRule> ingress = policy.getSpec().getIngress();
            assertThat(ingress).singleElement().satisfies(rule -> {
                assertThat(rule.getFrom()).isNotEmpty();
                assertThat(rule.getPorts()).singleElement().satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("metrics"));
            });
            List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
            assertThat(egress).allSatisfy(rule -> assertThat(rule.getTo()).isNotEmpty());
            assertThat(egress).flatExtracting(NetworkPolicyEgressRule::getPorts)
                    .extracting(port -> port.getPort().getIntVal())
                    .containsExactlyInAnyOrder(53, 53, storePorts.get(exporter));
        }
    }

    /** Proves: the stores' dashboard is valid Grafana JSON charting slow statements (pg_stat_statements), connections, Redis memory, evictions, and keys and memory per tenant. */
    @Test
    void dashboardChartsTheStores() throws Exception {
        ConfigMap dashboard = configMap("rel-stores-dashboard");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");

        JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("stores.json"));
        assertThat(json.get("uid").asText()).isEqualTo("aicunet-stores");
        List<String> expressions = new ArrayList<>();
        json.get("panels").forEach(panel -> panel.get("targets").forEach(target -> expressions.add(target.get("expr").asText())));
        assertThat(expressions)
                .anyMatch(expr -> expr.contains("pg_stat_statements_seconds_total") && expr.contains("pg_stat_statements_calls_total"))
                .anyMatch(expr -> expr.contains("pg_stat_activity_count"))
                .anyMatch(expr -> expr.contains("redis_evicted_keys_total"))
                .anyMatch(expr -> expr.contains("redis_memory_used_bytes"))
                .anyMatch(expr -> expr.contains("redis_key_group_count") && expr.contains("key_group"))
                .anyMatch(expr -> expr.contains("redis_key_group_memory_usage_bytes") && expr.contains("key_group"));
        assertThat(json.toString()).doesNotContain("[[").doesNotContain("]]");
    }

    /** Proves: the Postgres audit ConfigMap carries pgaudit for DDL and role changes, no parameters, connection logging, the line prefix, and full logging of superuser sessions. */
    @Test
    void postgresAuditSettingsAreRendered() {
        Map<String, String> data = configMap("rel-postgres-audit").getData();

        Map<String, Object> parameters = Yaml.map(Yaml.at(Yaml.readAll(data.get("cloudnative-pg.yaml")).get(0), "postgresql.parameters"));
        assertThat(parameters)
                .containsEntry("pgaudit.log", "ddl, role")
                .containsEntry("pgaudit.log_parameter", "off")
                .containsEntry("log_connections", "on")
                .containsEntry("log_disconnections", "on")
                .containsEntry("log_line_prefix", "%m [%p] user=%u db=%d app=%a client=%h ");
        assertThat(data.get("superuser-audit.sql")).contains("ALTER ROLE \"postgres\" SET pgaudit.log = 'all';");
    }

    /** Proves: the umbrella chart with exporters, dashboard and audit ConfigMap on passes helm lint --strict. */
    @Test
    void lintsStrictlyWithExportersOn() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path file = workspace.valuesFile("exporters-lint", "");
        Yaml.write(file, Yaml.merge(Yaml.read(Renders.requiredValues("fleet")), Yaml.read(exportersValues())));

        com.marcnuri.helm.LintResult result = workspace.lint("fleet", file);

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
    }

    /** Proves: with the default and the production values no exporter, store dashboard or audit ConfigMap is rendered: all of it is opt-in. */
    @ParameterizedTest
    @EnumSource(Variant.class)
    void nothingIsRenderedUnlessSwitchedOn(Variant variant) {
        RenderedManifests manifests = Renders.of("fleet", variant);

        assertThat(manifests.deployments()).extracting(Renders::serviceOf).containsExactlyInAnyOrderElementsOf(Fleet.SERVICES);
        assertThat(manifests.all(ConfigMap.class)).extracting(configMap -> configMap.getMetadata().getName())
                .doesNotContain("rel-stores-dashboard", "rel-postgres-audit");
    }

    /** Proves: an exporter without credentials from a Secret, a floating image tag, or statement parameters in the audit log refuse to render, naming the value. */
    @Test
    void unsafeValuesRefuseToRender() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path noPassword = workspace.valuesFile("redis-no-password", """
                exporters:
                  redis:
                    enabled: true
                    targets:
                      - name: config
                        address: redis://config-redis:6379
                        egressTo: [{ipBlock: {cidr: 10.0.0.0/8}}]
                """);
        assertThatThrownBy(() -> workspace.template("fleet", Renders.requiredValues("fleet"), noPassword))
                .hasMessageContaining("passwordSecret");
        Path latest = workspace.valuesFile("exporter-latest", """
                exporters:
                  postgres:
                    enabled: true
                    image: {repository: prometheuscommunity/postgres-exporter, tag: latest}
                """);
        assertThatThrownBy(() -> workspace.template("fleet", Renders.requiredValues("fleet"), latest))
                .hasMessageContaining("/exporters/postgres/image/tag");
        Path parameters = workspace.valuesFile("audit-parameters", """
                postgresAudit:
                  parameters:
                    pgaudit.log_parameter: "on"
                """);
        assertThatThrownBy(() -> workspace.template("fleet", Renders.requiredValues("fleet"), parameters))
                .hasMessageContaining("pgaudit.log_parameter");
    }

    private static ConfigMap configMap(String name) {
        return rendered().all(ConfigMap.class).stream().filter(configMap -> configMap.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }

    private static String env(String deployment, String name) {
        return exporters().stream().filter(d -> d.getMetadata().getName().equals(deployment)).findFirst().orElseThrow()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(env -> env.getName().equals(name)).findFirst().orElseThrow().getValue();
    }
}
