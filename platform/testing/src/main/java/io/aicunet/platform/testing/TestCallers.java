package io.aicunet.platform.testing;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Callers as tests play them: the headers a caller sends (the same on gRPC and REST),
 * a real bearer token from the local identity provider ({@link TestTokens}) and the
 * tenant it acts on, and gRPC channels that send them.
 */
public final class TestCallers {

    public static final String AUTHORIZATION = "authorization";
    public static final String TENANT = "x-aicunet-tenant";

    private TestCallers() {
    }

    /** A platform administrator acting at platform scope. */
    public static Map<String, String> platformAdmin() {
        return headers("platform", "ops@aicunet.io", Set.of("platform-admin"));
    }

    /** A user of one tenant (its token is bound to that tenant) with the given roles. */
    public static Map<String, String> ofTenant(String tenantId, String... roles) {
        return headers(tenantId, "user@" + tenantId.substring(0, 8), Set.of(roles));
    }

    /**
     * A user's call: a token for {@code subject} with {@code roles}, bound to {@code tenant}
     * when it is a tenant UUID (a platform user's otherwise), acting on {@code tenant}.
     * A null subject sends no token at all; a null tenant sends no tenant header.
     */
    public static Map<String, String> headers(String tenant, String subject, Set<String> roles) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (subject != null) {
            headers.put(AUTHORIZATION, "Bearer " + TestTokens.user(subject, tenantIdIn(tenant), roles));
        }
        if (tenant != null) {
            headers.put(TENANT, tenant);
        }
        return headers;
    }

    /** A call by a fleet service's own account (e.g. "ledger"), acting on {@code tenant} ("platform" or a UUID). */
    public static Map<String, String> service(String service, String tenant) {
        return withToken(TestTokens.service(service), tenant);
    }

    /** A call with exactly this bearer token (null: none) and tenant header (null: none). */
    public static Map<String, String> withToken(String token, String tenant) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put(AUTHORIZATION, "Bearer " + token);
        }
        if (tenant != null) {
            headers.put(TENANT, tenant);
        }
        return headers;
    }

    /** The subject the services see for these headers: the token's principal name (Keycloak's user names are lower case). */
    public static String subjectOf(Map<String, String> headers) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization == null) {
            throw new IllegalArgumentException("these headers carry no token");
        }
        return TestTokens.claimsOf(authorization.substring("Bearer ".length())).get("preferred_username").asText();
    }

    /**
     * A channel to a service under test on 127.0.0.1: over TLS, trusting only the local
     * stack's CA and checking that the certificate names 127.0.0.1 (the services under test
     * serve nothing else).
     */
    public static ManagedChannel channel(int port) {
        return ServiceTls.channel(port, FleetStack.caCertificate());
    }

    /** The channel, sending these headers with every call. */
    public static Channel as(Channel channel, Map<String, String> headers) {
        Metadata metadata = new Metadata();
        headers.forEach((name, value) -> metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
    }

    private static Optional<String> tenantIdIn(String tenant) {
        if (tenant == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(tenant).toString());
        } catch (IllegalArgumentException notATenant) {
            return Optional.empty();
        }
    }
}
