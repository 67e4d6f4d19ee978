package io.aicunet.platform.outbox;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The relay's state as the {@code outbox} health group ({@code /q/health/group/outbox}),
 * deliberately neither readiness nor liveness: with Kafka away the service still takes
 * writes into its outbox, so taking it out of its Service would turn a Kafka outage into
 * an outage of the service. DOWN here means events wait longer than
 * {@code aicunet.outbox.healthy-lag-seconds-max}; it is a signal to act on (see the
 * runbook in docs/kafka-outage.md), from values the last relay pass measured, so the
 * check itself costs nothing.
 */
@HealthGroup("outbox")
@ApplicationScoped
public class OutboxRelayHealthCheck implements HealthCheck {

    private final OutboxRelayScheduler scheduler;

    public OutboxRelayHealthCheck(OutboxRelayScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public HealthCheckResponse call() {
        OutboxConfig config = scheduler.config();
        OutboxRelay.Backlog backlog = scheduler.backlog();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("outbox-relay")
                .withData("relayEnabled", config.relayEnabled())
                .withData("backlogEvents", backlog.events())
                .withData("lagSeconds", (long) backlog.lagSeconds())
                .withData("lagSecondsMax", config.healthyLagSecondsMax())
                .withData("consecutiveFailedPasses", scheduler.consecutiveFailedPasses());
        if (scheduler.lastFailure() != null) {
            response.withData("lastFailure", scheduler.lastFailure());
        }
        if (scheduler.lastSuccess() != null) {
            response.withData("lastSuccess", scheduler.lastSuccess().toString());
        }
        return response.status(backlog.lagSeconds() <= config.healthyLagSecondsMax()).build();
    }
}
