package io.aicunet.platform.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN until the service has re-applied every erasure tombstone once since it started
 * ({@link ErasureTombstones}): a service whose database was restored to an instant before
 * an erasure takes no traffic while it could still serve the erased tenant's data.
 */
@Readiness
@ApplicationScoped
public class ErasureTombstonesReadiness implements HealthCheck {

    private final ErasureTombstones tombstones;

    public ErasureTombstonesReadiness(ErasureTombstones tombstones) {
        this.tombstones = tombstones;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("erasure-tombstones")
                .withData("failedPasses", tombstones.failedPasses());
        tombstones.lastFailure().ifPresent(failure -> response.withData("lastFailure", failure));
        tombstones.firstPass().ifPresent(pass -> response.withData("reapplied", pass.tombstones())
                .withData("malformed", pass.malformed()));
        return response.status(tombstones.firstPass().isPresent()).build();
    }
}
