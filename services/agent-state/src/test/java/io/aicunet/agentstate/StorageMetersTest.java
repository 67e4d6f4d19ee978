package io.aicunet.agentstate;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.platform.limits.StorageMeters;
import io.aicunet.platform.limits.StorageMeters.TenantBytes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The storage metrics of agent-state: top tenants by bytes and totals, with a bounded tenant label. */
@QuarkusTest
class StorageMetersTest extends GrpcTestBase {

    @Inject
    StorageMeters storageMeters;

    @Inject
    MeterRegistry meters;

    /**
     * Proves: after a refresh the per-tenant gauge has one series per listed tenant, at
     * most the configured 10, largest first, and a tenant storing more than every other
     * (1.8 MB here, more than any other test stores) is listed with its exact bytes; the total is at least the listed sum.
     */
    @Test
    void aRefreshPublishesTheTopTenantsAndTheTotals() throws Exception {
        tenant = StorageQuotaTest.aTenantWithStorageQuota(10_000_000);
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        for (int i = 0; i < 2; i++) {
            runtime().saveCheckpoint(AgentStateFixtures.aFirstCheckpoint(agent.getId())
                    .setThreadId(UUID.randomUUID().toString()).setStateJson(StorageQuotaTest.stateOf(900_000)).build());
        }

        List<TenantBytes> top = storageMeters.refresh().await().atMost(Duration.ofSeconds(30));

        assertThat(top).hasSizeBetween(1, 10);
        assertThat(top).extracting(TenantBytes::bytes).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        Collection<Gauge> series = meters.find("aicunet.storage.tenant.bytes").gauges();
        assertThat(series).hasSize(top.size());
        assertThat(meters.find("aicunet.storage.tenant.bytes").tag("tenant", tenant).gauge().value())
                .isEqualTo(1_800_000.0);
        assertThat(meters.find("aicunet.storage.bytes").gauge().value())
                .isGreaterThanOrEqualTo(top.stream().mapToLong(TenantBytes::bytes).sum());
        assertThat(meters.find("aicunet.storage.tenants").gauge().value()).isGreaterThanOrEqualTo(top.size());
    }
}
