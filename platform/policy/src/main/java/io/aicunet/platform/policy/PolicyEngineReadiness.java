package io.aicunet.platform.policy;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN until OPA has answered this service once since it started ({@link Authorizer#probe}),
 * then UP for good. A replica that has never reached its policy engine could only refuse
 * every call (authorization fails closed), so it takes no traffic yet; and the probe opens
 * the first TLS connection to OPA while nobody waits for it, instead of the first caller's
 * call paying the handshake of a cold process within its one-second decision timeout. Once
 * answered it stays UP: a later outage of OPA refuses calls UNAVAILABLE (fail closed) but
 * does not take every replica out of the load balancer at once.
 */
@Readiness
@ApplicationScoped
public class PolicyEngineReadiness implements AsyncHealthCheck {

    private static final String NAME = "policy-engine";

    private final Authorizer authorizer;
    private final AtomicBoolean answered = new AtomicBoolean();

    public PolicyEngineReadiness(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (answered.get()) {
            return Uni.createFrom().item(HealthCheckResponse.up(NAME));
        }
        return authorizer.probe()
                .map(ignored -> {
                    answered.set(true);
                    return HealthCheckResponse.up(NAME);
                })
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("lastFailure", failure.toString()).build());
    }
}
