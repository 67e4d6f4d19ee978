package io.aicunet.platform.limits;

import io.aicunet.platform.tenancy.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Which tenants this replica refused most, without a tenant label per tenant: refusals
 * are counted per tenant over a window ({@code aicunet.limits.top-window-seconds}), and at
 * the end of each window the {@code aicunet.limits.top-tenants} tenants refused most in it
 * become the gauges {@code aicunet.limits.limited.top{tenant}} (their refusals in that
 * window); a tenant that leaves the top loses its gauge, so at most that many tenant
 * series exist. At most {@code trackedMax} tenants are counted in a window; refusals of
 * further tenants count in the counter {@code aicunet.limits.limited.untracked}. The window
 * turns at the first decision after it ended ({@link #tick()}: the step calls it on every
 * decision); a window after an idle one publishes nobody.
 */
public final class LimitedTenants {

    static final String TOP = "aicunet.limits.limited.top";

    private final MeterRegistry meters;
    private final int topMax;
    private final int trackedMax;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<TenantId, LongAdder> counting = new ConcurrentHashMap<>();
    private final Map<TenantId, AtomicLong> published = new HashMap<>();
    private final Map<TenantId, Gauge> gauges = new HashMap<>();
    private final Counter untracked;
    private long windowStartNanos;
    private volatile long nextTurnNanos;

    public LimitedTenants(MeterRegistry meters, int topMax, int trackedMax, long windowNanos, LongSupplier nanoClock) {
        if (topMax < 1 || trackedMax < topMax || windowNanos <= 0) {
            throw new IllegalArgumentException("top tenants: top " + topMax + ", tracked " + trackedMax + ", window "
                    + windowNanos + " ns");
        }
        this.meters = Objects.requireNonNull(meters, "meters");
        this.topMax = topMax;
        this.trackedMax = trackedMax;
        this.windowNanos = windowNanos;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.windowStartNanos = nanoClock.getAsLong();
        this.nextTurnNanos = windowStartNanos + windowNanos;
        this.untracked = meters.counter("aicunet.limits.limited.untracked");
    }

    /** Turns the window if it ended: cheap when it did not (one clock read). */
    public void tick() {
        if (nanoClock.getAsLong() - nextTurnNanos >= 0) {
            turn();
        }
    }

    /** Counts one refusal of the tenant. */
    public void record(TenantId tenant) {
        tick();
        LongAdder count = counting.get(tenant);
        if (count == null) {
            if (counting.size() >= trackedMax) {
                untracked.increment();
                return;
            }
            count = counting.computeIfAbsent(tenant, t -> new LongAdder());
        }
        count.increment();
    }

    /** The tenants of the published top and their refusals in the last window. */
    public synchronized Map<TenantId, Long> top() {
        turn();
        Map<TenantId, Long> top = new HashMap<>();
        published.forEach((tenant, count) -> top.put(tenant, count.get()));
        return top;
    }

    private synchronized void turn() {
        long now = nanoClock.getAsLong();
        if (now - windowStartNanos < windowNanos) {
            return;
        }
        boolean idleSinceLastWindow = now - windowStartNanos >= 2 * windowNanos;
        windowStartNanos = now;
        nextTurnNanos = now + windowNanos;
        Map<TenantId, Long> counts = new HashMap<>();
        counting.forEach((tenant, count) -> counts.put(tenant, count.sum()));
        counting.clear();
        List<Map.Entry<TenantId, Long>> top = idleSinceLastWindow ? List.of() : counts.entrySet().stream()
                .sorted(Map.Entry.<TenantId, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(topMax)
                .toList();
        Map<TenantId, Long> next = new HashMap<>();
        top.forEach(entry -> next.put(entry.getKey(), entry.getValue()));
        for (TenantId gone : List.copyOf(published.keySet())) {
            if (!next.containsKey(gone)) {
                meters.remove(gauges.remove(gone));
                published.remove(gone);
            }
        }
        next.forEach((tenant, count) -> published.computeIfAbsent(tenant, t -> {
            AtomicLong value = new AtomicLong();
            gauges.put(t, Gauge.builder(TOP, value, AtomicLong::get).tag("tenant", t.toString())
                    .description("Requests of this tenant this replica refused in the last window (top tenants only)")
                    .register(meters));
            return value;
        }).set(count));
    }
}
