package io.aicunet.platform.testing;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Callers as tests play them: the headers a caller sends (the same on gRPC and
 * REST), and gRPC channels that send them.
 */
public final class TestCallers {

    private TestCallers() {
    }

    /** A platform administrator acting at platform scope. */
    public static Map<String, String> platformAdmin() {
        return headers("platform", "ops@aicunet.io", Set.of("platform-admin"));
    }

    /** A caller acting for one tenant with the given roles. */
    public static Map<String, String> ofTenant(String tenantId, String... roles) {
        return headers(tenantId, "user@" + tenantId.substring(0, 8), Set.of(roles));
    }

    public static Map<String, String> headers(String tenant, String subject, Set<String> roles) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (tenant != null) {
            headers.put("x-aicunet-tenant", tenant);
        }
        if (subject != null) {
            headers.put("x-aicunet-subject", subject);
        }
        headers.put("x-aicunet-roles", String.join(",", roles));
        return headers;
    }

    /** A plaintext channel to a service under test on 127.0.0.1. */
    public static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** The channel, sending these headers with every call. */
    public static Channel as(Channel channel, Map<String, String> headers) {
        Metadata metadata = new Metadata();
        headers.forEach((name, value) -> metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
    }
}
