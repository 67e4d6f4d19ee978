package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json rejects values of the wrong type or that would weaken the deployment, before anything renders. */
class ValuesSchemaTest {

    /** Wrong values for a service chart, each with the path the schema names in its error. */
    static Stream<Arguments> wrongServiceValues() {
        return Stream.of(
                Arguments.of("replicaCount: two\n", "/replicaCount"),
                Arguments.of("httpPort: 70000\n", "/httpPort"),
                Arguments.of("image:\n  tag: latest\n", "/image/tag"),
                Arguments.of("autoscaling:\n  enabled: \"yes\"\n", "/autoscaling/enabled"),
                Arguments.of("podSecurityContext:\n  runAsUser: 0\n", "/podSecurityContext/runAsUser"),
                Arguments.of("resources:\n  limits: null\n", "/resources"),
                Arguments.of("config:\n  env:\n    DATABASE_PASSWORD: hunter2\n", "invalid propertyName 'DATABASE_PASSWORD'"),
                Arguments.of("database:\n  sslMode: sometimes\n", "/database/sslMode"),
                Arguments.of("networkPolicy:\n  callers: api-gateway\n", "/networkPolicy/callers"),
                Arguments.of("privacy:\n  tenantService:\n    port: grpc\n", "/privacy/tenantService/port"),
                Arguments.of("privacy:\n  tenantService:\n    targetPort: 18081.5\n", "/privacy/tenantService/targetPort"),
                Arguments.of("privacy:\n  objectStore:\n    mountPath: /tmp/exports\n", "/privacy/objectStore/mountPath"),
                Arguments.of("privacy:\n  objectStore:\n    claim: exports\n", "claim"),
                Arguments.of("privacy:\n  masterKeys:\n    keyIds: [prod-1]\n", "/privacy/masterKeys/keyIds/0"),
                Arguments.of("privacy:\n  masterKeys:\n    enabled: true\n    secretName: \"\"\n    keyIds: [k1]\n",
                        "/privacy/masterKeys/secretName"),
                Arguments.of("auth:\n  algorithm: HS256\n", "/auth/algorithm"),
                Arguments.of("auth:\n  algorithm: none\n", "/auth/algorithm"),
                Arguments.of("auth:\n  issuer: id.example.com/realms/aicunet\n", "/auth/issuer"),
                Arguments.of("auth:\n  jwksUrl: file:///etc/jwks.json\n", "/auth/jwksUrl"),
                Arguments.of("auth:\n  client:\n    secret:\n      key: \"\"\n", "/auth/client/secret/key"),
                Arguments.of("auth:\n  ports: []\n", "/auth/ports"),
                Arguments.of("global:\n  auth:\n    issuer: not a url\n", "/global/auth/issuer"),
                Arguments.of("opa:\n  token:\n    secretName: Not_A_Name\n", "/opa/token/secretName"),
                Arguments.of("keys:\n  auditSigning:\n    enabled: true\n    secretName: \"\"\n    keyIds: [k1]\n",
                        "/keys/auditSigning/secretName"),
                Arguments.of("keys:\n  auditSigning:\n    keyIds: [local-2]\n", "/keys/auditSigning/keyIds/0"),
                Arguments.of("keys:\n  configSecrets:\n    enabled: true\n    secretName: \"\"\n", "/keys/configSecrets/secretName"),
                Arguments.of("database:\n  reporting:\n    enabled: true\n    credentials:\n      secretName: \"\"\n",
                        "/database/reporting/credentials/secretName"),
                Arguments.of("unknownSetting: true\n", "unknownSetting"));
    }

    /** Proves: helm template of a service chart fails, naming the offending value, for each wrong value. */
    @ParameterizedTest
    @MethodSource("wrongServiceValues")
    void templateRejectsWrongValue(String values, String offendingPath) {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path file = workspace.valuesFile("wrong", values);

        assertThatThrownBy(() -> workspace.template("ledger", file))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(offendingPath);
    }

    /** Proves: the same wrong value fails helm lint --strict, so CI's lint catches it too. */
    @Test
    void lintRejectsWrongType() {
        HelmWorkspace workspace = HelmWorkspace.get();

        LintResult result = workspace.lint("tenant", workspace.valuesFile("wrong-type", "replicaCount: two\n"));

        assertThat(result.isFailed()).isTrue();
        assertThat(result.getMessages()).anyMatch(message -> message.contains("/replicaCount"));
    }

    /** Proves: a wrong value given to a service through the umbrella chart (a port as a string) is rejected by that service's schema. */
    @Test
    void umbrellaPassesWrongValueToServiceSchema() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path file = workspace.valuesFile("umbrella-wrong", "agent-state:\n  redis:\n    port: \"six\"\n");

        assertThatThrownBy(() -> workspace.template("fleet", file))
                .hasMessageContaining("agent-state")
                .hasMessageContaining("/redis/port");
        Path privacy = workspace.valuesFile("umbrella-privacy", "ledger:\n  privacy:\n    tenantService:\n      port: \"9000\"\n");
        assertThatThrownBy(() -> workspace.template("fleet", privacy))
                .hasMessageContaining("ledger")
                .hasMessageContaining("/privacy/tenantService/port");
    }

    /** Proves: the umbrella's own schema rejects a non-boolean switch and an unknown service. */
    @Test
    void umbrellaSchemaRejectsWrongSwitch() {
        HelmWorkspace workspace = HelmWorkspace.get();

        assertThatThrownBy(() -> workspace.template("fleet", workspace.valuesFile("switch", "ledger:\n  enabled: maybe\n")))
                .hasMessageContaining("/ledger/enabled");
        assertThatThrownBy(() -> workspace.template("fleet", workspace.valuesFile("unknown", "billing:\n  enabled: true\n")))
                .hasMessageContaining("billing");
    }

    /** Proves: a right value of the right type still renders (the schema is not simply rejecting everything). */
    @Test
    void templateAcceptsRightValue() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path file = workspace.valuesFile("right", "replicaCount: 3\nautoscaling:\n  enabled: false\n");

        RenderedManifests manifests = workspace.template("ledger", Renders.requiredValues("ledger"), file);

        assertThat(manifests.onlyDeployment().getSpec().getReplicas()).isEqualTo(3);
    }
}
