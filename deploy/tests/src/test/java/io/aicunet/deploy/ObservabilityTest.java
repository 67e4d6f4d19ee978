package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** With monitoring on, every service ships its scrape config, its alerts and its Grafana dashboard. */
class ObservabilityTest {

    /** The alerts every service has. */
    static final List<String> COMMON_ALERTS = List.of("AicunetServiceDown", "AicunetOutboxRelayLagHigh",
            "AicunetHttpErrorRateHigh", "AicunetGrpcErrorRateHigh", "AicunetLatencyP99High", "AicunetPolicyUnavailable",
            "AicunetConsumerDeadLetters", "AicunetConsumerRetrying", "AicunetRateLimitDegraded",
            "AicunetTenantRateLimited");

    /** The alerts only one service has (its own invariants and failure modes). */
    static final Map<String, List<String>> OWN_ALERTS = Map.of(
            "tenant", List.of(),
            "ledger", List.of("AicunetLedgerInvariantViolated"),
            "agent-state", List.of("AicunetAgentsLost"),
            "audit", List.of("AicunetAuditFactsOverStorageQuota", "AicunetAuditVerificationFailed",
                    "AicunetAuditConsumerLagHigh", "AicunetRedisAclDenied", "AicunetRedisAclLogUnreadable"),
            "config", List.of());

    /** The services that count the bytes a tenant stores against its storage_bytes quota (platform/limits). */
    static final List<String> STORAGE_SERVICES = List.of("agent-state", "audit", "config", "ledger");

    static Stream<String> services() {
        return Fleet.SERVICES.stream();
    }

    /** Proves: each service's PrometheusRule has the shared alerts (relay lag, errors, p99) and its own, each selecting only the service's series. */
    @ParameterizedTest
    @MethodSource("services")
    void alertRulesCoverTheService(String service) {
        GenericKubernetesResource rule = Renders.of(service, Variant.PRODUCTION).custom("PrometheusRule").get(0);

        List<Map<String, Object>> rules = rules(rule);
        List<String> expected = new ArrayList<>(COMMON_ALERTS);
        expected.addAll(OWN_ALERTS.get(service));
        assertThat(rules).extracting(entry -> entry.get("alert")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(rules).allSatisfy(entry -> {
            assertThat((String) entry.get("expr")).contains("application=\"" + service + "\"");
            assertThat(Yaml.map(entry.get("labels"))).containsKey("severity");
        });
        assertThat(rules).filteredOn(entry -> entry.get("alert").equals("AicunetOutboxRelayLagHigh"))
                .singleElement().satisfies(entry -> assertThat((String) entry.get("expr")).contains("aicunet_outbox_relay_lag_seconds"));
        assertThat(rules).filteredOn(entry -> entry.get("alert").equals("AicunetLatencyP99High"))
                .singleElement().satisfies(entry -> assertThat((String) entry.get("expr"))
                        .contains("histogram_quantile(0.99").contains("http_server_requests_seconds_bucket"));
    }

    /** Proves: each service's dashboard is valid Grafana JSON whose panels chart relay lag, errors, p99 latency, rate limit decisions, the most limited tenants and the service's own signals. */
    @ParameterizedTest
    @MethodSource("services")
    void dashboardIsValidJsonWithTheServicePanels(String service) throws Exception {
        ConfigMap dashboard = Renders.of(service, Variant.PRODUCTION).all(ConfigMap.class).stream()
                .filter(configMap -> "1".equals(configMap.getMetadata().getLabels().get("grafana_dashboard")))
                .findFirst().orElseThrow(() -> new AssertionError("no dashboard ConfigMap"));

        JsonNode json = new ObjectMapper().readTree(dashboard.getData().get(service + ".json"));
        assertThat(json.get("uid").asText()).isEqualTo("aicunet-" + service);
        List<String> expressions = new ArrayList<>();
        json.get("panels").forEach(panel -> panel.get("targets").forEach(target -> expressions.add(target.get("expr").asText())));
        assertThat(expressions)
                .anyMatch(expr -> expr.contains("aicunet_outbox_relay_lag_seconds"))
                .anyMatch(expr -> expr.contains("histogram_quantile(0.99") && expr.contains("http_server_requests_seconds_bucket"))
                .anyMatch(expr -> expr.contains("status=~\"5..\""))
                .anyMatch(expr -> expr.contains("aicunet_limits_decisions_total"))
                .anyMatch(expr -> expr.contains("aicunet_limits_limited_top"))
                .allMatch(expr -> expr.contains("application=\"" + service + "\""));
        String ownSignal = switch (service) {
            case "ledger" -> "aicunet_ledger_invariant_violations{";
            case "audit" -> "aicunet_audit_verification_failed_tenants{";
            case "agent-state" -> "aicunet_agentstate_agents_lost_total";
            default -> "aicunet_outbox_events_published_total";
        };
        assertThat(expressions).anyMatch(expr -> expr.contains(ownSignal));
        if (service.equals("ledger")) {
            assertThat(expressions).anyMatch(expr -> expr.contains("aicunet_ledger_token_budget_refusals_total"));
        }
        if (STORAGE_SERVICES.contains(service)) {
            assertThat(expressions).anyMatch(expr -> expr.contains("aicunet_storage_tenant_bytes"))
                    .anyMatch(expr -> expr.contains("aicunet_storage_refusals_total"));
        }
        assertThat(json.toString()).doesNotContain("[[").doesNotContain("]]");
    }

    /** Proves: each ServiceMonitor scrapes /q/metrics on the http port and labels the series with the service's name, which the alerts select by. */
    @Test
    void serviceMonitorsLabelSeriesWithTheService() {
        List<GenericKubernetesResource> monitors = Renders.of("fleet", Variant.PRODUCTION).custom("ServiceMonitor");

        assertThat(monitors).hasSize(Fleet.SERVICES.size());
        for (GenericKubernetesResource monitor : monitors) {
            String service = monitor.getMetadata().getLabels().get("app.kubernetes.io/name");
            Map<String, Object> endpoint = Yaml.map(Yaml.list(Yaml.at(monitor.getAdditionalProperties(), "spec.endpoints")).get(0));
            assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/q/metrics");
            assertThat(Yaml.list(endpoint.get("relabelings")))
                    .anySatisfy(relabeling -> assertThat(Yaml.map(relabeling))
                            .containsEntry("targetLabel", "application").containsEntry("replacement", service));
        }
    }

    /** Proves: with default values no monitoring object is rendered (the Prometheus Operator CRDs are optional). */
    @ParameterizedTest
    @MethodSource("services")
    void monitoringIsOffByDefault(String service) {
        RenderedManifests manifests = Renders.of(service, Variant.DEFAULTS);

        assertThat(manifests.custom("ServiceMonitor")).isEmpty();
        assertThat(manifests.custom("PrometheusRule")).isEmpty();
    }

    private static List<Map<String, Object>> rules(GenericKubernetesResource rule) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : Yaml.list(Yaml.at(rule.getAdditionalProperties(), "spec.groups"))) {
            Yaml.list(Yaml.map(group).get("rules")).forEach(entry -> rules.add(Yaml.map(entry)));
        }
        return rules;
    }
}
