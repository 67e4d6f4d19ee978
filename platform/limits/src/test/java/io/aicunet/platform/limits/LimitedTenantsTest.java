package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.tenancy.TenantId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Proves: after each window only the tenants refused most in it have a gauge (at most the
 * top count), with their refusals; a tenant that leaves the top loses its gauge; tenants
 * beyond the tracked maximum are counted apart; an idle window publishes nobody.
 */
class LimitedTenantsTest {

    private static final long WINDOW = 60_000_000_000L;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong();
    private final LimitedTenants limited = new LimitedTenants(meters, 2, 3, WINDOW, nanos::get);

    @Test
    void onlyTheTopTenantsOfTheLastWindowHaveAGauge() {
        TenantId loud = TenantId.random();
        TenantId louder = TenantId.random();
        TenantId quiet = TenantId.random();
        TenantId untracked = TenantId.random();
        refuse(loud, 3);
        refuse(louder, 5);
        refuse(quiet, 1);
        refuse(untracked, 2);
        assertThat(meters.find(LimitedTenants.TOP).gauges()).as("nothing before the window ends").isEmpty();

        nanos.addAndGet(WINDOW);
        assertThat(limited.top()).containsOnlyKeys(loud, louder).containsEntry(louder, 5L).containsEntry(loud, 3L);
        assertThat(meters.find(LimitedTenants.TOP).gauges()).hasSize(2);
        assertThat(meters.find(LimitedTenants.TOP).tag("tenant", louder.toString()).gauge())
                .extracting(Gauge::value).isEqualTo(5.0);
        assertThat(meters.counter("aicunet.limits.limited.untracked").count()).isEqualTo(2.0);

        refuse(quiet, 4);
        refuse(louder, 1);
        nanos.addAndGet(WINDOW);
        assertThat(limited.top()).containsOnlyKeys(quiet, louder);
        assertThat(meters.find(LimitedTenants.TOP).tag("tenant", loud.toString()).gauge()).isNull();
        assertThat(meters.find(LimitedTenants.TOP).tag("tenant", louder.toString()).gauge().value()).isEqualTo(1.0);

        nanos.addAndGet(3 * WINDOW);
        assertThat(limited.top()).isEmpty();
        assertThat(meters.find(LimitedTenants.TOP).gauges()).isEmpty();
    }

    private void refuse(TenantId tenant, int times) {
        for (int i = 0; i < times; i++) {
            limited.record(tenant);
        }
    }
}
