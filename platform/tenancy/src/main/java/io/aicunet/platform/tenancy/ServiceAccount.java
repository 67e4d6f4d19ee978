package io.aicunet.platform.tenancy;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import io.quarkus.oidc.client.runtime.AbstractTokensProducer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Executor;

/**
 * This service's own account at the identity provider (OAuth2 client credentials,
 * {@code quarkus.oidc-client.*}), for its calls to other services of the fleet. The
 * token is fetched on first use, kept, and fetched anew shortly before it expires
 * ({@code quarkus.oidc-client.refresh-token-time-skew}). When the identity provider
 * cannot be reached, a call fails with UNAVAILABLE: it is never sent without a token.
 */
@ApplicationScoped
public class ServiceAccount extends AbstractTokensProducer {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of(CallerHeaders.AUTHORIZATION, Metadata.ASCII_STRING_MARSHALLER);

    /** gRPC call credentials that send this account's bearer token with every call. */
    public CallCredentials callCredentials() {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo request, Executor executor, MetadataApplier applier) {
                getTokens().subscribe().with(tokens -> {
                    Metadata headers = new Metadata();
                    headers.put(AUTHORIZATION, "Bearer " + tokens.getAccessToken());
                    applier.apply(headers);
                }, failure -> applier.fail(Status.UNAVAILABLE
                        .withDescription("this service cannot get a token for its own account: " + failure.getMessage())
                        .withCause(failure)));
            }
        };
    }
}
