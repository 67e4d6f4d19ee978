package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.deploy.DevelopmentValues.Setting;
import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No repository key in production (issue 12): a render with the default values (and the
 * settings that have no default) or with production values carries no development key,
 * password, key id or token of the repository, and every credential setting that the
 * services have a development value for is set from an existing Secret in the pod that
 * uses it, so that the development value never applies.
 */
class ProductionKeysTest {

    static Stream<Arguments> renders() {
        return Renders.all();
    }

    /** Proves: the scan of the repository finds the development values it must (a check that finds nothing would pass anything). */
    @Test
    void developmentValuesAreFound() {
        Set<String> values = DevelopmentValues.all();

        for (String service : Fleet.SERVICES) {
            assertThat(values).as("development passwords of %s", service)
                    .contains(Fleet.rolePrefix(service) + "_app_dev", Fleet.rolePrefix(service) + "_owner_dev");
        }
        assertThat(values).as("the ledger's reporting role").contains("ledger_reporting_dev");
        assertThat(values).as("the services' client secrets and OPA's token").contains("-dev-client-secret", "fleet-dev-opa-token");
        assertThat(values).as("development key ids").contains("dev-1", "local-1", "local-2");
        // The tenant master key, the config secrets key and the audit signing keys: base64 of 32 bytes and more.
        assertThat(values).filteredOn(value -> value.matches("[A-Za-z0-9+/]{40,}={0,2}")).as("development keys").hasSizeGreaterThanOrEqualTo(5);
    }

    /** Proves: no rendered manifest (policies, settings, hooks included) holds a development key, password, key id or token of the repository; comments aside, which nothing reads. */
    @ParameterizedTest
    @MethodSource("renders")
    void renderHoldsNoDevelopmentValue(String chart, Variant variant) {
        String manifests = withoutComments(Renders.of(chart, variant).text());

        for (String value : DevelopmentValues.all()) {
            assertThat(manifests).as("%s rendered with %s values", chart, variant).doesNotContain(value);
        }
        assertThat(manifests).doesNotContainPattern(DevelopmentValues.DEV_PASSWORD);
    }

    /**
     * Proves: every credential setting that a service (or the platform) gives a development
     * value, in any profile, is set from an existing Secret in the service's pods: the
     * datasource passwords, the client secret, OPA's token, the master key id and keys, the
     * config secrets key, the audit signing key id and keys.
     */
    @ParameterizedTest
    @MethodSource("renders")
    void everyDevelopmentCredentialIsOverriddenFromSecret(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (String service : Renders.servicesOf(chart)) {
            List<Setting> settings = DevelopmentValues.credentialSettingsOf(service);
            assertThat(settings).as("credential settings of %s", service).isNotEmpty();
            List<Container> containers = new ArrayList<>();
            containers.addAll(manifests.deploymentOf(service).getSpec().getTemplate().getSpec().getContainers());
            containers.addAll(TrustedCallersTest.migrationOf(manifests, service).getSpec().getTemplate().getSpec().getContainers());
            Set<String> fromSecrets = containers.stream()
                    .flatMap(container -> container.getEnv().stream())
                    .filter(env -> env.getValue() == null && env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null)
                    .map(EnvVar::getName)
                    .collect(Collectors.toSet());

            for (Setting setting : settings) {
                Pattern environment = environmentName(setting.name());
                assertThat(fromSecrets).as("%s (%s of %s) is set from a Secret in %s's pods",
                                environment.pattern(), setting.name(), Fleet.root().relativize(setting.file()), service)
                        .anyMatch(name -> environment.matcher(name).matches());
            }
        }
    }

    /** Proves: each key reaches only the service that holds it, from its Secret: audit's signing keys, config's secrets key and its id, the ledger's and audit's reporting roles; no migration Job holds one. */
    @ParameterizedTest
    @MethodSource("renders")
    void keysReachOnlyTheirService(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Deployment deployment : manifests.deployments()) {
            String service = Renders.serviceOf(deployment);
            Container app = TrustedCallersTest.appContainer(deployment);
            Map<String, EnvVar> keys = app.getEnv().stream()
                    .filter(env -> env.getName().startsWith("AUDIT_SIGNING_") || env.getName().startsWith("CONFIG_SECRETS_")
                            || env.getName().startsWith("QUARKUS_DATASOURCE_REPORTING_"))
                    .collect(Collectors.toMap(EnvVar::getName, env -> env));
            Map<String, Object> values = Renders.valuesOf(chart, variant, service);

            switch (service) {
                case "audit" -> {
                    assertThat(TrustedCallersTest.secretKeyOf(app, "AUDIT_SIGNING_ACTIVE_KEY_ID")).contains("audit-signing-keys/active-key-id");
                    List<Object> ids = Yaml.list(Yaml.at(values, "keys.auditSigning.keyIds"));
                    assertThat(ids).isNotEmpty();
                    for (Object id : ids) {
                        String upper = id.toString().toUpperCase(Locale.ROOT);
                        assertThat(TrustedCallersTest.secretKeyOf(app, "AUDIT_SIGNING_KEYS_" + upper + "_PUBLIC_KEY"))
                                .contains("audit-signing-keys/" + id + ".public-key");
                        // A rotated-out key has no private key any more: the reference may find nothing.
                        assertThat(TrustedCallersTest.secretKeyOf(app, "AUDIT_SIGNING_KEYS_" + upper + "_PRIVATE_KEY"))
                                .contains("audit-signing-keys/" + id + ".private-key");
                    }
                    assertThat(TrustedCallersTest.secretKeyOf(app, "QUARKUS_DATASOURCE_REPORTING_USERNAME")).contains("audit-db-reporting/username");
                    assertThat(TrustedCallersTest.secretKeyOf(app, "QUARKUS_DATASOURCE_REPORTING_PASSWORD")).contains("audit-db-reporting/password");
                    assertThat(keys).hasSize(1 + 2 * ids.size() + 2);
                    String host = variant == Variant.PRODUCTION ? "audit-replica.postgres.internal.example.com" : "postgresql";
                    assertThat(Renders.settingsOf(manifests, deployment).get("QUARKUS_DATASOURCE_REPORTING_REACTIVE_URL"))
                            .as("record queries and exports read from the replica in production")
                            .startsWith("postgresql://" + host + ":5432/audit?");
                }
                case "config" -> {
                    assertThat(TrustedCallersTest.secretKeyOf(app, "CONFIG_SECRETS_KEY")).contains("config-secrets-key/key");
                    assertThat(TrustedCallersTest.secretKeyOf(app, "CONFIG_SECRETS_KEY_ID")).contains("config-secrets-key/key-id");
                    assertThat(keys).hasSize(2);
                }
                case "ledger" -> {
                    assertThat(TrustedCallersTest.secretKeyOf(app, "QUARKUS_DATASOURCE_REPORTING_USERNAME")).contains("ledger-db-reporting/username");
                    assertThat(TrustedCallersTest.secretKeyOf(app, "QUARKUS_DATASOURCE_REPORTING_PASSWORD")).contains("ledger-db-reporting/password");
                    assertThat(keys).hasSize(2);
                    String host = variant == Variant.PRODUCTION ? "ledger-replica.postgres.internal.example.com" : "postgresql";
                    assertThat(Renders.settingsOf(manifests, deployment).get("QUARKUS_DATASOURCE_REPORTING_REACTIVE_URL"))
                            .as("reports read from the replica in production").startsWith("postgresql://" + host + ":5432/ledger?");
                }
                default -> assertThat(keys).as("keys of %s", service).isEmpty();
            }
        }
        for (var job : manifests.jobs()) {
            assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                    .noneMatch(name -> name.startsWith("AUDIT_SIGNING_") || name.startsWith("CONFIG_SECRETS_")
                            || name.startsWith("TENANT_MASTER_KEY") || name.startsWith("QUARKUS_DATASOURCE_REPORTING_"));
        }
    }

    /**
     * The environment variable(s) that set a property, as SmallRye Config maps them
     * (upper case, anything else than a letter or digit an underscore); an id of a
     * development key inside the name (a map's key) stands for any id.
     */
    static Pattern environmentName(String property) {
        List<String> parts = new ArrayList<>();
        for (String segment : property.split("\\.")) {
            parts.add(DevelopmentValues.keyIdsIn(property).contains(segment)
                    ? "[A-Z0-9]+"
                    : Pattern.quote(segment.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
        }
        return Pattern.compile(String.join("_", parts));
    }

    /** The text without comment lines (YAML's and the Rego policies'), which nothing reads as a value. */
    static String withoutComments(String text) {
        return text.lines().filter(line -> !line.strip().startsWith("#")).collect(Collectors.joining("\n"));
    }
}
