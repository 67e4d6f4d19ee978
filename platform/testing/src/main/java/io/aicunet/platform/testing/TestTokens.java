package io.aicunet.platform.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Real tokens from the local identity provider (Keycloak, realm {@code aicunet}), the
 * same way {@code ./fleet token} gets them: a user is created or updated through the
 * admin API with the tenant and roles a test wants (as the {@code fleet-tokens} client's
 * service account, which may manage users), then logs in with the password grant; a
 * service of the fleet gets its own client-credentials token. Tokens are kept until
 * shortly before they expire. Nothing here weakens verification: the services check
 * these tokens exactly as they check production ones.
 */
public final class TestTokens {

    private static final String TOKENS_CLIENT = "fleet-tokens";
    private static final String TOKENS_CLIENT_SECRET = "fleet-tokens-dev-client-secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KEEP_MARGIN = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The identity provider's HTTPS, verified against the stack's CA. */
    private static final HttpClient HTTP = ServiceTls.httpClient(FleetStack.caCertificate());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, Token> TOKENS = new ConcurrentHashMap<>();

    private record Token(String value, Instant expiresAt) {
        boolean fresh() {
            return Instant.now().plus(KEEP_MARGIN).isBefore(expiresAt);
        }
    }

    private TestTokens() {
    }

    /**
     * A user's access token: {@code subject} (Keycloak keeps user names in lower case),
     * bound to {@code tenant} when present (a platform user otherwise), with these roles.
     */
    public static String user(String subject, Optional<String> tenant, Set<String> roles) {
        String key = "user|" + subject + "|" + tenant.orElse("") + "|" + new TreeSet<>(roles);
        return cached(key, () -> {
            String password = randomPassword();
            upsertUser(subject, tenant, roles, password);
            return grant(Map.of("grant_type", "password", "client_id", TOKENS_CLIENT,
                    "client_secret", TOKENS_CLIENT_SECRET, "username", subject, "password", password));
        });
    }

    /** The access token of a fleet service's own account (client credentials, development secret). */
    public static String service(String service) {
        return cached("service|" + service, () -> grant(Map.of("grant_type", "client_credentials",
                "client_id", service, "client_secret", service + "-dev-client-secret")));
    }

    /** The token endpoint of the local realm. */
    public static String tokenEndpoint() {
        return FleetStack.issuer() + "/protocol/openid-connect/token";
    }

    private static synchronized String cached(String key, java.util.function.Supplier<Token> mint) {
        Token known = TOKENS.get(key);
        if (known != null && known.fresh()) {
            return known.value();
        }
        FleetStack.ensureRunning();
        Token minted = mint.get();
        TOKENS.put(key, minted);
        return minted.value();
    }

    private static Token grant(Map<String, String> form) {
        JsonNode answer = send(HttpRequest.newBuilder(URI.create(tokenEndpoint()))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formOf(form))), 200);
        return new Token(answer.get("access_token").asText(),
                Instant.now().plusSeconds(answer.get("expires_in").asLong()));
    }

    private static void upsertUser(String subject, Optional<String> tenant, Set<String> roles, String password) {
        String admin = cached("admin", () -> grant(Map.of("grant_type", "client_credentials",
                "client_id", TOKENS_CLIENT, "client_secret", TOKENS_CLIENT_SECRET)));
        String users = FleetStack.issuer().replace("/realms/", "/admin/realms/") + "/users";
        ObjectNode user = JSON.createObjectNode();
        user.put("username", subject);
        user.put("enabled", true);
        ObjectNode attributes = user.putObject("attributes");
        tenant.ifPresent(t -> attributes.putArray("tenant").add(t));
        roles.forEach(attributes.putArray("roles")::add);
        JsonNode found = send(request(admin, users + "?exact=true&username="
                + URLEncoder.encode(subject, StandardCharsets.UTF_8)).GET(), 200);
        String id;
        if (found.isEmpty()) {
            HttpResponse<String> created = raw(request(admin, users).POST(body(user)));
            if (created.statusCode() != 201) {
                throw new IllegalStateException("creating user " + subject + " failed: " + created.statusCode()
                        + " " + created.body());
            }
            String location = created.headers().firstValue("location").orElseThrow();
            id = location.substring(location.lastIndexOf('/') + 1);
        } else {
            id = found.get(0).get("id").asText();
            send(request(admin, users + "/" + id).PUT(body(user)), 204);
        }
        ObjectNode credential = JSON.createObjectNode();
        credential.put("type", "password");
        credential.put("value", password);
        credential.put("temporary", false);
        send(request(admin, users + "/" + id + "/reset-password").PUT(body(credential)), 204);
    }

    private static HttpRequest.Builder request(String bearer, String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("authorization", "Bearer " + bearer)
                .header("content-type", "application/json");
    }

    private static HttpRequest.BodyPublisher body(JsonNode json) {
        return HttpRequest.BodyPublishers.ofString(json.toString());
    }

    private static JsonNode send(HttpRequest.Builder request, int expectedStatus) {
        HttpResponse<String> response = raw(request);
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri()
                    + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("unreadable answer from the identity provider", e);
        }
    }

    private static HttpResponse<String> raw(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the identity provider at " + FleetStack.issuer() + " does not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String formOf(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The decoded payload of a token, for tests that check its claims. */
    public static JsonNode claimsOf(String token) {
        String[] parts = token.split("\\.");
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new IllegalStateException("not a JWT", e);
        }
    }
}
