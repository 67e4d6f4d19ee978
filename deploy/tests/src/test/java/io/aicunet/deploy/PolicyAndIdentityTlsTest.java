package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The charts reach the identity provider and a shared OPA the way the local TLS tests do
 * (docs/tls.md, "OPA and Keycloak"): https only, a plaintext URL does not render; a private
 * CA, when given (auth.tls, opa.tls), is mounted read-only and trusted alone through the
 * same settings the services' %test defaults name (the TLS registry configurations
 * {@code identity} and {@code policy}, SmallRye JWT's certificate path), which every service
 * test connected to the local stack's Keycloak and OPA with. Without one, the JVM's public
 * CAs verify. The OPA sidecar is asked on the pod's own loopback interface.
 */
class PolicyAndIdentityTlsTest {

    private static final String IDENTITY_CA = "/etc/aicunet/identity-tls/ca.crt";
    private static final String POLICY_CA = "/etc/aicunet/policy-tls/ca.crt";

    /** Proves: an http issuer, JWKS URL, token endpoint or shared OPA URL does not render, and the error says https. */
    @Test
    void plaintextIdentityProviderOrSharedOpaDoesNotRender() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path required = Renders.requiredValues("ledger");
        for (String values : new String[] {
                "auth:\n  issuer: http://id.example.com/realms/aicunet\n",
                "auth:\n  jwksUrl: http://keycloak.identity:8080/realms/aicunet/protocol/openid-connect/certs\n",
                "auth:\n  tokenUrl: http://keycloak.identity:8080/realms/aicunet/protocol/openid-connect/token\n",
                "opa:\n  sidecar:\n    enabled: false\n  url: http://opa.policy:8181\n"}) {
            Path file = workspace.valuesFile("plaintext-" + Integer.toHexString(values.hashCode()), values);
            assertThatThrownBy(() -> workspace.template("ledger", required, file)).as(values)
                    .hasMessageContaining("https://");
        }
        Path globalPlaintext = workspace.valuesFile("fleet-plaintext-issuer",
                "global:\n  auth:\n    issuer: http://id.example.com/realms/aicunet\n");
        assertThatThrownBy(() -> workspace.template("fleet", Renders.requiredValues("fleet"), globalPlaintext))
                .as("global.auth.issuer through the umbrella").hasMessageContaining("is not https://");
    }

    /**
     * Proves: with the defaults (public CAs, OPA sidecar) no trust setting and no CA volume
     * renders, the issuer is https and OPA is asked on 127.0.0.1.
     */
    @Test
    void defaultsTrustPublicCasAndAskTheSidecarOnLoopback() {
        RenderedManifests manifests = HelmWorkspace.get().template("ledger", Renders.requiredValues("ledger"));
        Deployment deployment = manifests.onlyDeployment();
        Map<String, String> settings = Renders.settingsOf(manifests, deployment);
        assertThat(settings.get("MP_JWT_VERIFY_ISSUER")).startsWith("https://");
        assertThat(settings.get("AICUNET_POLICY_OPA_URL")).startsWith("http://127.0.0.1:");
        assertThat(settings).doesNotContainKeys("SMALLRYE_JWT_CLIENT_TLS_CERTIFICATE_PATH",
                "QUARKUS_TLS_IDENTITY_TRUST_STORE_PEM_CERTS", "QUARKUS_OIDC_CLIENT_TLS_TLS_CONFIGURATION_NAME",
                "QUARKUS_TLS_POLICY_TRUST_STORE_PEM_CERTS", "AICUNET_POLICY_TLS_CONFIGURATION_NAME");
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .noneMatch(volume -> volume.getName().equals("identity-ca") || volume.getName().equals("policy-ca"));
    }

    /**
     * Proves: a private identity-provider CA and a shared OPA's CA are mounted from their
     * Secrets in the app and the migration Job, and trusted through the very settings the
     * local tests ran with (same configuration names, each CA file where it is mounted).
     */
    @Test
    void privateCasAreMountedAndTrustedAsTheLocalTestsDid() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path values = workspace.valuesFile("private-cas", """
                auth:
                  tls:
                    caSecret:
                      name: identity-ca
                opa:
                  sidecar:
                    enabled: false
                  url: https://opa.policy:8181
                  tls:
                    caSecret:
                      name: opa-ca
                """);
        RenderedManifests manifests = workspace.template("ledger", Renders.requiredValues("ledger"), values);
        Deployment deployment = manifests.onlyDeployment();
        Map<String, String> settings = Renders.settingsOf(manifests, deployment);
        Properties tested = CaMounts.settingsOf("ledger", "tenancy", "policy");

        assertThat(settings)
                .containsEntry("SMALLRYE_JWT_CLIENT_TLS_CERTIFICATE_PATH", IDENTITY_CA)
                .containsEntry("QUARKUS_TLS_IDENTITY_TRUST_STORE_PEM_CERTS", IDENTITY_CA)
                .containsEntry("QUARKUS_OIDC_CLIENT_TLS_TLS_CONFIGURATION_NAME",
                        tested.getProperty("%test.quarkus.oidc-client.tls.tls-configuration-name"))
                .containsEntry("QUARKUS_TLS_POLICY_TRUST_STORE_PEM_CERTS", POLICY_CA)
                .containsEntry("AICUNET_POLICY_TLS_CONFIGURATION_NAME",
                        tested.getProperty("%test.aicunet.policy.tls-configuration-name"))
                .containsEntry("AICUNET_POLICY_OPA_URL", "https://opa.policy:8181");
        assertThat(tested.getProperty("%test.quarkus.tls.identity.trust-store.pem.certs")).as("the tests' identity CA")
                .isNotBlank();
        assertThat(tested.getProperty("%test.smallrye.jwt.client.tls.certificate.path")).as("the tests' JWKS CA")
                .isNotBlank();
        assertThat(tested.getProperty("%test.quarkus.tls.policy.trust-store.pem.certs")).as("the tests' OPA CA")
                .isNotBlank();
        CaMounts.assertCaMountedInAppAndMigration(manifests, deployment, "ledger", "identity-ca",
                "/etc/aicunet/identity-tls", "identity-ca");
        CaMounts.assertCaMountedInAppAndMigration(manifests, deployment, "ledger", "policy-ca",
                "/etc/aicunet/policy-tls", "opa-ca");
    }
}
