package io.aicunet.platform.policy;

import com.bisnode.opa.client.OpaConfiguration;
import com.bisnode.opa.client.query.OpaQueryApi;
import com.bisnode.opa.client.query.OpaQueryClient;
import com.bisnode.opa.client.query.QueryForDocumentRequest;
import com.bisnode.opa.client.rest.ObjectMapperFactory;
import com.bisnode.opa.client.rest.OpaRestClient;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * OPA's data API as the fleet asks it (opa-java-client): a document at a path for an
 * input, sent with the bearer token OPA's API requires ({@code aicunet.policy.bearer-token}),
 * every request bounded by {@code aicunet.policy.timeout-millis}. An https OPA is verified
 * with the trust store of the TLS registry's {@code aicunet.policy.tls-configuration-name}
 * and its name checked (the JDK client's endpoint identification). The client blocks, so
 * queries run on the worker pool, never on an event loop. A service has one
 * ({@link OpaClient}), shared by authorization ({@link Authorizer}) and the request rate limit's
 * policy (platform/limits), so their queries reuse one set of connections. At most
 * {@code aicunet.policy.connections-max} queries are in flight at once, so a burst of calls
 * reuses about that many kept-alive connections instead of opening one per call (the JDK
 * client returns a connection to its pool just after the answer is read, so a query let in
 * at that instant may open one more).
 */
public final class OpaDocuments {

    private final OpaQueryApi opa;
    private final Duration timeout;
    private final Semaphore connections;

    public OpaDocuments(PolicyConfig config) {
        if (config.connectionsMax() < 1) {
            throw new IllegalArgumentException("aicunet.policy.connections-max must be at least 1, was "
                    + config.connectionsMax());
        }
        HttpClient.Builder http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(config.connectTimeoutMillis()));
        config.tlsConfigurationName().map(OpaDocuments::sslContext).ifPresent(http::sslContext);
        this.opa = new OpaQueryClient(new AuthenticatedOpaClient(config, http.build()));
        this.timeout = Duration.ofMillis(config.timeoutMillis());
        this.connections = new Semaphore(config.connectionsMax(), true);
    }

    /**
     * The document at {@code path} (e.g. {@code aicunet/authz/decision}) for {@code input},
     * as the plain map the client returns (a class of our own would be loaded by the
     * client's class loader, which differs from ours in Quarkus tests and dev mode); null
     * when the policy defines none. Fails when OPA does not answer within the timeout.
     */
    public Uni<Map<?, ?>> query(String path, Map<String, Object> input) {
        return Uni.createFrom()
                .<Map<?, ?>>item(() -> queryOnAConnection(path, input, System.nanoTime() + timeout.toNanos()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(timeout).fail();
    }

    /**
     * The query, once one of the {@code connections-max} connections is free; fails when
     * none is free before the deadline (the caller's answer has failed by then anyway).
     */
    private Map<?, ?> queryOnAConnection(String path, Map<String, Object> input, long deadline) {
        try {
            if (!connections.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("no connection to OPA was free within " + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a connection to OPA", e);
        }
        try {
            return opa.queryForDocument(new QueryForDocumentRequest(input, path), Map.class);
        } finally {
            connections.release();
        }
    }

    /** The SSL context of the TLS registry's configuration {@code name}; fails when there is none. */
    private static SSLContext sslContext(String name) {
        ArcContainer container = Arc.container();
        if (container == null) {
            throw new IllegalStateException("aicunet.policy.tls-configuration-name=" + name
                    + " needs the TLS registry of a running application");
        }
        TlsConfiguration tls = container.instance(TlsConfigurationRegistry.class).get().get(name)
                .orElseThrow(() -> new IllegalStateException("aicunet.policy.tls-configuration-name names " + name
                        + ", which has no quarkus.tls." + name + ".* configuration"));
        try {
            return tls.createSSLContext();
        } catch (Exception e) {
            throw new IllegalStateException("the TLS configuration " + name + " makes no SSL context", e);
        }
    }

    /** The OPA REST client, sending the bearer token and bounding every request, so a hanging OPA never holds a worker thread longer than the timeout. */
    private static final class AuthenticatedOpaClient extends OpaRestClient {

        private final Optional<String> authorization;
        private final Duration timeout;

        AuthenticatedOpaClient(PolicyConfig config, HttpClient http) {
            super(new OpaConfiguration(config.opaUrl(), HttpClient.Version.HTTP_1_1), http,
                    ObjectMapperFactory.getInstance().create());
            this.authorization = config.bearerToken().map(token -> "Bearer " + token);
            this.timeout = Duration.ofMillis(config.timeoutMillis());
        }

        @Override
        public HttpRequest.Builder getBasicRequestBuilder(String endpoint) {
            HttpRequest.Builder request = super.getBasicRequestBuilder(endpoint).timeout(timeout);
            authorization.ifPresent(value -> request.header("Authorization", value));
            return request;
        }
    }
}
