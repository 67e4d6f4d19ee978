package io.aicunet.platform.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.Optional;

/** How services reach the policy engine, and how long they remember its allows. */
@ConfigMapping(prefix = "aicunet.policy")
public interface PolicyConfig {

    /**
     * Base URL of the OPA server: https (the local stack's OPA, a shared OPA), or http only
     * for a sidecar on the pod's own loopback interface.
     */
    @WithDefault("https://127.0.0.1:18181")
    String opaUrl();

    /**
     * The TLS registry configuration ({@code quarkus.tls.<name>.*}) whose trust store
     * verifies an https OPA, name checked; empty: the JVM's default trust (public CAs).
     * The local stack's is {@code policy}, trusting its CA.
     */
    Optional<String> tlsConfigurationName();

    /** Path of the decision document under /v1/data. */
    @WithDefault("aicunet/authz/decision")
    String decisionPath();

    /**
     * The bearer token OPA's API asks for (OPA runs with token authentication and a
     * system policy that admits only decision queries with it). Required outside dev/test.
     */
    Optional<String> bearerToken();

    /** How long a decision may take, connecting included, before the call fails closed with UNAVAILABLE. */
    @WithDefault("1000")
    long timeoutMillis();

    /** How long connecting to OPA may take; part of timeoutMillis. */
    @WithDefault("250")
    long connectTimeoutMillis();

    /**
     * The most queries one client (authorization's, the rate limit policy's) has in flight
     * to OPA at once, and so the most connections it opens: OPA answers HTTP/1.1 over TLS,
     * one query per connection at a time. A burst of calls waits for a free connection
     * (within timeoutMillis) instead of opening one per call: connections opened in a
     * burst on a busy machine missed the connect timeout, and their calls were refused.
     */
    @WithDefault("16")
    int connectionsMax();

    /** The pipeline's memory of allows (refusals are never remembered). */
    AllowCache allowCache();

    interface AllowCache {

        /**
         * How long an allow of the same question (principal, scope, action, resource) is
         * reused without asking OPA again; a policy change takes effect within this time.
         * 0 asks OPA every time.
         */
        @WithName("time-to-live-millis")
        @WithDefault("1000")
        long timeToLiveMillis();

        /** How many allows are remembered at most; the memory is emptied when it is full. */
        @WithDefault("10000")
        int entriesMax();
    }
}
