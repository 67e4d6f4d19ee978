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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Tokens a test makes itself, to prove that a service refuses every token that should
 * not verify, one flaw at a time. A control token with no flaw verifies like one of the
 * identity provider's own; each {@link Flaw} changes exactly one thing about it.
 *
 * <p>For the control token to verify, the local identity provider must publish the key
 * that signs it: once per JVM, {@link #register()} adds an RSA key generated at run time
 * (never a key kept in the repository) to the realm's keys through the admin API, as a
 * <em>passive</em> key of the lowest priority, so the realm publishes it in its JWKS but
 * never signs a token of its own with it. The key is removed when the JVM exits (best
 * effort; keys left behind by a JVM that was killed are removed by a later run once they
 * are a day old). Services fetch the JWKS at the first token they verify, so
 * {@link FleetTestResource} registers the key before the service under test starts.
 *
 * <p>Administering the realm needs the local stack's master-realm administrator (user
 * {@code admin}, password in {@code $FLEET_HOME/keycloak/admin-password}).
 */
public final class ForgedTokens {

    /** One thing wrong with a token, each refused for its own reason. */
    public enum Flaw {
        /** Expired five minutes ago: beyond any clock skew. */
        EXPIRED,
        /** Not valid for another five minutes ({@code nbf}). */
        NOT_YET_VALID,
        /** Issued by another realm of the same identity provider. */
        WRONG_ISSUER,
        /** Meant for another service of the fleet. */
        WRONG_AUDIENCE,
        /** Signed by another key under the registered key's id. */
        WRONG_SIGNATURE,
        /** {@code alg: none}, no signature at all. */
        UNSIGNED,
        /** HS256 with the registered public key's PEM text as the HMAC secret (algorithm confusion). */
        HMAC_WITH_PUBLIC_KEY
    }

    private static final Logger LOG = Logger.getLogger(ForgedTokens.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The identity provider's HTTPS, verified against the stack's CA. */
    private static final HttpClient HTTP = ServiceTls.httpClient(FleetStack.caCertificate());
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final Duration STALE_KEY_AGE = Duration.ofDays(1);
    private static final String KEY_PROVIDER = "org.keycloak.keys.KeyProvider";
    private static final String KEY_NAME_PREFIX = "test-forged-tokens-";

    private static volatile SigningKey signingKey;

    /** The registered key: its id in the realm's JWKS and the private half that signs with it. */
    private record SigningKey(String keyId, PrivateKey privateKey, String publicKeyPem) {
    }

    private final String service;
    private final String subject;
    private final Optional<String> tenant;
    private final Set<String> roles;
    private final SigningKey key;

    private ForgedTokens(String service, String subject, Optional<String> tenant, Set<String> roles, SigningKey key) {
        this.service = service;
        this.subject = subject;
        this.tenant = tenant;
        this.roles = Set.copyOf(roles);
        this.key = key;
    }

    /**
     * Tokens for calls to {@code service} (audience {@code aicunet-<service>}) by user
     * {@code subject} with {@code roles}, bound to {@code tenant} when present.
     */
    public static ForgedTokens of(String service, String subject, Optional<String> tenant, Set<String> roles) {
        register();
        return new ForgedTokens(service, subject, tenant, roles, signingKey());
    }

    /**
     * Like {@link #of}, but signing with a key added to the realm now, as a signing-key
     * rotation adds one: a service that already holds the realm's keys has never seen it.
     * The key is removed when the JVM ends.
     */
    public static ForgedTokens ofNewKey(String service, String subject, Optional<String> tenant, Set<String> roles) {
        FleetStack.ensureRunning();
        return new ForgedTokens(service, subject, tenant, roles, registerKey());
    }

    /** The token with no flaw: verifies at {@code service} like a token of the identity provider. */
    public String control() {
        return signed(claims(Instant.now()), key.privateKey());
    }

    /** The control token with exactly this flaw. */
    public String with(Flaw flaw) {
        Instant now = Instant.now();
        ObjectNode claims = claims(now);
        return switch (flaw) {
            case EXPIRED -> {
                claims.put("iat", now.minus(LIFETIME.multipliedBy(2)).getEpochSecond());
                claims.put("exp", now.minus(LIFETIME).getEpochSecond());
                yield signed(claims, key.privateKey());
            }
            case NOT_YET_VALID -> {
                claims.put("nbf", now.plus(LIFETIME).getEpochSecond());
                claims.put("exp", now.plus(LIFETIME.multipliedBy(2)).getEpochSecond());
                yield signed(claims, key.privateKey());
            }
            case WRONG_ISSUER -> {
                claims.put("iss", FleetStack.issuer().replace("/realms/aicunet", "/realms/master"));
                yield signed(claims, key.privateKey());
            }
            case WRONG_AUDIENCE -> {
                claims.putArray("aud").add("aicunet-" + anotherServiceThan(service));
                yield signed(claims, key.privateKey());
            }
            case WRONG_SIGNATURE -> signed(claims, generateKeyPair().getPrivate());
            case UNSIGNED -> encode(header("none")) + "." + encode(claims) + ".";
            case HMAC_WITH_PUBLIC_KEY -> {
                String content = encode(header("HS256")) + "." + encode(claims);
                yield content + "." + base64Url(hmacSha256(key.publicKeyPem(), content));
            }
        };
    }

    /**
     * Adds this JVM's signing key to the realm, once; later calls do nothing. A failure is
     * logged and tried again at the next call, so a test without forged tokens never fails
     * for it.
     */
    public static void register() {
        if (signingKey != null) {
            return;
        }
        synchronized (ForgedTokens.class) {
            if (signingKey != null) {
                return;
            }
            FleetStack.ensureRunning();
            signingKey = registerKey();
        }
    }

    /** Like {@link #register()}, but a failure is only logged: for test resources that must start regardless. */
    public static void registerIfPossible() {
        try {
            register();
        } catch (RuntimeException failure) {
            LOG.warnf("the test signing key could not be registered (forged-token tests will try again): %s",
                    failure.getMessage());
        }
    }

    private static SigningKey signingKey() {
        SigningKey key = signingKey;
        if (key == null) {
            throw new IllegalStateException("ForgedTokens.register() has not run");
        }
        return key;
    }

    private ObjectNode claims(Instant now) {
        ObjectNode claims = JSON.createObjectNode();
        claims.put("iss", FleetStack.issuer());
        claims.put("sub", UUID.nameUUIDFromBytes(subject.getBytes(StandardCharsets.UTF_8)).toString());
        claims.putArray("aud").add("aicunet-" + service);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(LIFETIME).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("typ", "Bearer");
        claims.put("azp", "fleet-tokens");
        claims.put("preferred_username", subject);
        roles.stream().sorted().forEach(claims.putArray("roles")::add);
        tenant.ifPresent(t -> claims.put("tenant", t));
        return claims;
    }

    private ObjectNode header(String algorithm) {
        ObjectNode header = JSON.createObjectNode();
        header.put("alg", algorithm);
        header.put("typ", "JWT");
        if (!"none".equals(algorithm)) {
            header.put("kid", key.keyId());
        }
        return header;
    }

    private String signed(ObjectNode claims, PrivateKey privateKey) {
        String content = encode(header("RS256")) + "." + encode(claims);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(privateKey);
            signature.update(content.getBytes(StandardCharsets.US_ASCII));
            return content + "." + base64Url(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with RS256", e);
        }
    }

    private static byte[] hmacSha256(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute HMAC-SHA256", e);
        }
    }

    private static String encode(JsonNode json) {
        return base64Url(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String anotherServiceThan(String service) {
        return "ledger".equals(service) ? "config" : "ledger";
    }

    private static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key pair", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    // --- The realm's keys, through the admin API ------------------------------------------

    private static SigningKey registerKey() {
        String admin = adminToken();
        removeStaleKeys(admin);
        KeyPair pair = generateKeyPair();
        String name = KEY_NAME_PREFIX + Instant.now().toEpochMilli() + "-" + ProcessHandle.current().pid();
        ObjectNode component = JSON.createObjectNode();
        component.put("name", name);
        component.put("providerId", "rsa");
        component.put("providerType", KEY_PROVIDER);
        component.put("parentId", "aicunet");
        ObjectNode config = component.putObject("config");
        // Passive and last in priority: published for verification, never chosen to sign the realm's tokens.
        config.putArray("priority").add("-1000");
        config.putArray("enabled").add("true");
        config.putArray("active").add("false");
        config.putArray("algorithm").add("RS256");
        config.putArray("privateKey").add(pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        HttpResponse<String> created = send(admin, "POST", adminUrl("/components"), component.toString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("registering the test signing key failed: " + created.statusCode()
                    + " " + created.body());
        }
        String location = created.headers().firstValue("location").orElseThrow();
        String componentId = location.substring(location.lastIndexOf('/') + 1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> removeKey(componentId), "remove-test-signing-key"));
        String keyId = null;
        for (JsonNode key : read(send(admin, "GET", adminUrl("/keys"), null)).path("keys")) {
            if (componentId.equals(key.path("providerId").asText())) {
                keyId = key.path("kid").asText();
            }
        }
        if (keyId == null || keyId.isEmpty()) {
            throw new IllegalStateException("the realm does not list the registered test signing key " + name);
        }
        LOG.infof("registered test signing key %s (kid %s) in realm aicunet", name, keyId);
        return new SigningKey(keyId, pair.getPrivate(), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    /** Keys of JVMs that did not get to remove theirs (killed), once they are old enough to be surely unused. */
    private static void removeStaleKeys(String admin) {
        JsonNode components = read(send(admin, "GET", adminUrl("/components?type="
                + URLEncoder.encode(KEY_PROVIDER, StandardCharsets.UTF_8)), null));
        Instant staleBefore = Instant.now().minus(STALE_KEY_AGE);
        for (JsonNode component : components) {
            String name = component.path("name").asText();
            if (!name.startsWith(KEY_NAME_PREFIX)) {
                continue;
            }
            try {
                long createdMillis = Long.parseLong(name.substring(KEY_NAME_PREFIX.length()).split("-")[0]);
                if (Instant.ofEpochMilli(createdMillis).isBefore(staleBefore)) {
                    send(admin, "DELETE", adminUrl("/components/" + component.path("id").asText()), null);
                }
            } catch (NumberFormatException notOurs) {
                // Named like ours but not made by this class: leave it.
            }
        }
    }

    private static void removeKey(String componentId) {
        try {
            HttpResponse<String> removed = send(adminToken(), "DELETE", adminUrl("/components/" + componentId), null);
            if (removed.statusCode() != 204 && removed.statusCode() != 404) {
                System.err.println("removing the test signing key " + componentId + " answered " + removed.statusCode());
            }
        } catch (RuntimeException failure) {
            System.err.println("could not remove the test signing key " + componentId + ": " + failure.getMessage());
        }
    }

    private static String adminToken() {
        String form = "grant_type=password&client_id=admin-cli&username=admin&password="
                + URLEncoder.encode(adminPassword(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(masterRealm() + "/protocol/openid-connect/token"))
                .timeout(TIMEOUT)
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> answer = exchange(request);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the identity provider refused its administrator: " + answer.statusCode()
                    + " " + answer.body());
        }
        return read(answer).get("access_token").asText();
    }

    private static String adminPassword() {
        Path file = FleetStack.fleetHome().resolve("keycloak/admin-password");
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the identity provider's administrator password at " + file
                    + " (written by ./fleet up)", e);
        }
    }

    private static String masterRealm() {
        return FleetStack.issuer().replace("/realms/aicunet", "/realms/master");
    }

    private static String adminUrl(String path) {
        return FleetStack.issuer().replace("/realms/aicunet", "/admin/realms/aicunet") + path;
    }

    private static HttpResponse<String> send(String admin, String method, String url, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("authorization", "Bearer " + admin)
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return exchange(request);
    }

    private static HttpResponse<String> exchange(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the identity provider at " + FleetStack.issuer() + " does not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode read(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri()
                    + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("unreadable answer from the identity provider", e);
        }
    }
}
