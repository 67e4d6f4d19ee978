package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the local stack's policy engine (OPA, platform/devstack/bin/opa.sh) and identity
 * provider (Keycloak, keycloak.sh), tried as a client on the network would (docs/tls.md):
 * both serve HTTPS only, with a certificate of the stack's CA for 127.0.0.1; a client
 * verifying with that CA gets decisions, keys and tokens, a plaintext client gets none of
 * them, and a client trusting another CA refuses the server before it sends its bearer
 * token or client secret. That the services themselves reach both over TLS is what every
 * authenticated call of their tests shows (FleetStack.issuer and opaUrl are https).
 */
class PolicyAndIdentityTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String DECISION = "/v1/data/aicunet/authz/decision";
    private static final String JWKS = "/realms/aicunet/protocol/openid-connect/certs";

    @TempDir
    static Path otherCaDirectory;

    private static Path otherCa;

    @BeforeAll
    static void stackAndAnotherCa() {
        FleetStack.ensureRunning();
        // A CA of the attacker's (or of another environment): a certificate it signed is no
        // proof of being the stack's OPA or Keycloak.
        otherCa = ServiceTls.throwawayCa(otherCaDirectory).certificate();
    }

    /**
     * Proves: a client verifying with the stack's CA gets OPA's decision (with its token) and
     * Keycloak's keys and a token, over TLS 1.2 or later.
     */
    @Test
    void verifyingClientGetsDecisionsKeysAndTokens() throws Exception {
        HttpClient verifying = ServiceTls.httpClient(FleetStack.caCertificate());
        HttpResponse<String> decision = verifying.send(decisionQuery("https", true), HttpResponse.BodyHandlers.ofString());
        assertThat(decision.statusCode()).as(decision.body()).isEqualTo(200);
        assertThat(decision.body()).contains("\"result\"");
        assertThat(decision.sslSession()).get().extracting(session -> session.getProtocol()).isIn("TLSv1.2", "TLSv1.3");

        HttpResponse<String> keys = verifying.send(get("https", FleetStack.keycloakPort(), JWKS),
                HttpResponse.BodyHandlers.ofString());
        assertThat(keys.statusCode()).isEqualTo(200);
        assertThat(keys.body()).contains("\"keys\"");
        assertThat(keys.sslSession()).get().extracting(session -> session.getProtocol()).isIn("TLSv1.2", "TLSv1.3");
        assertThat(TestTokens.service("ledger")).as("a token from the HTTPS token endpoint").isNotBlank();
    }

    /**
     * Proves: plaintext HTTP to either port gets no decision and no keys: OPA answers 400
     * ("an HTTP request to an HTTPS server") even to a query with its token, Keycloak
     * answers no HTTP at all.
     */
    @Test
    void plaintextGetsNoDecisionAndNoKeys() throws IOException {
        String body = "{\"input\":{\"action\":\"tenant.tenants.get\"}}";
        String opa = ServiceTls.plaintextExchange(FleetStack.opaPort(), "POST " + DECISION + " HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                + "authorization: Bearer " + FleetStack.opaToken() + "\r\ncontent-type: application/json\r\n"
                + "content-length: " + body.length() + "\r\nconnection: close\r\n\r\n" + body);
        assertThat(opa).startsWith("HTTP/1.0 400").contains("HTTPS server").doesNotContain("\"result\"");

        String keycloak = ServiceTls.plaintextExchange(FleetStack.keycloakPort(), "GET " + JWKS + " HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                + "connection: close\r\n\r\n");
        assertThat(keycloak).doesNotStartWith("HTTP/").doesNotContain("\"keys\"");
    }

    /** Proves: a client trusting another CA refuses both servers during the handshake, before any request. */
    @Test
    void clientTrustingAnotherCaRefusesTheServers() {
        HttpClient misled = ServiceTls.httpClient(otherCa);
        assertThatThrownBy(() -> misled.send(decisionQuery("https", true), HttpResponse.BodyHandlers.ofString()))
                .as("OPA").isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX path building failed");
        assertThatThrownBy(() -> misled.send(get("https", FleetStack.keycloakPort(), JWKS), HttpResponse.BodyHandlers.ofString()))
                .as("Keycloak").isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX path building failed");
    }

    /** Proves: over TLS, OPA still answers a decision query without its bearer token with 401, not a decision. */
    @Test
    void tlsDoesNotReplaceOpasToken() throws Exception {
        HttpResponse<String> anonymous = ServiceTls.httpClient(FleetStack.caCertificate())
                .send(decisionQuery("https", false), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("\"result\"");
    }

    private static HttpRequest decisionQuery(String scheme, boolean withToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + FleetStack.host() + ":"
                        + FleetStack.opaPort() + DECISION))
                .timeout(TIMEOUT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"action\":\"tenant.tenants.get\"}}"));
        if (withToken) {
            request.header("authorization", "Bearer " + FleetStack.opaToken());
        }
        return request.build();
    }

    private static HttpRequest get(String scheme, int port, String path) {
        return HttpRequest.newBuilder(URI.create(scheme + "://" + FleetStack.host() + ":" + port + path))
                .timeout(TIMEOUT).build();
    }
}
