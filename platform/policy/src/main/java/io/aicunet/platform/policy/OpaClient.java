package io.aicunet.platform.policy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The service's one OPA client ({@link OpaDocuments}, made from {@code aicunet.policy.*}),
 * shared by authorization and the request rate limit's policy: one set of kept-alive
 * connections, one bound on queries in flight, and one probe ({@link PolicyEngineReadiness})
 * warms it for both.
 */
@ApplicationScoped
public class OpaClient {

    @Produces
    @Singleton
    OpaDocuments documents(PolicyConfig config) {
        return new OpaDocuments(config);
    }
}
