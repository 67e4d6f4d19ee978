package io.aicunet.platform.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How services reach the policy engine. */
@ConfigMapping(prefix = "aicunet.policy")
public interface PolicyConfig {

    /** Base URL of the OPA server (a sidecar in Kubernetes, the local stack's OPA in development). */
    @WithDefault("http://127.0.0.1:18181")
    String opaUrl();

    /** Path of the decision document under /v1/data. */
    @WithDefault("aicunet/authz/decision")
    String decisionPath();

    /** How long a decision may take before the call fails closed with UNAVAILABLE. */
    @WithDefault("1000")
    long timeoutMillis();

    /** How long connecting to OPA may take; part of timeoutMillis. */
    @WithDefault("250")
    long connectTimeoutMillis();
}
