package io.aicunet.platform.limits;

import io.aicunet.platform.tenancy.TenantId;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * A tenant's quotas as the tenant service says, for every limit a service enforces
 * (request rate, token budget, storage). Each replica remembers an answer for
 * {@code aicunet.limits.quota-cache-seconds} (5 s), so a quota change applies everywhere
 * within that time; concurrent questions about one tenant share one call.
 * <ul>
 *   <li>The tenant service does not know the tenant: the unknown-tenant quotas
 *       ({@code aicunet.limits.unknown-tenant.*}, by default the FREE tier's), asked
 *       again after the cache time. An erased tenant gets {@link Quotas#erased()}.</li>
 *   <li>The tenant service cannot be reached (or does not answer within
 *       {@code aicunet.limits.quota-timeout-millis}): the quotas it last gave are served
 *       for up to {@code aicunet.limits.quota-stale-max-seconds} (1 h) after they were
 *       read, asking again every cache time; a tenant it never answered for, or answered
 *       for longer ago, gets the unknown-tenant quotas until it answers.</li>
 * </ul>
 * Never fails: a limit always has a figure to hold the tenant to.
 */
@ApplicationScoped
public class TenantQuotas {

    private static final Logger LOG = Logger.getLogger(TenantQuotas.class);

    /** How long answers are kept and used, and what an unknown tenant gets. */
    public record Settings(Duration cacheFor, Duration staleMax, Duration timeout, int entriesMax,
                           Quotas unknownTenant) {

        public Settings {
            Objects.requireNonNull(unknownTenant, "unknownTenant");
            if (cacheFor.isNegative() || staleMax.isNegative() || timeout.isNegative() || timeout.isZero()
                    || entriesMax < 1) {
                throw new IllegalArgumentException("quota cache settings out of range: cache " + cacheFor
                        + ", stale at most " + staleMax + ", timeout " + timeout + ", entries at most " + entriesMax);
            }
        }

        static Settings from(LimitsConfig config) {
            return new Settings(Duration.ofSeconds(config.quotaCacheSeconds()),
                    Duration.ofSeconds(config.quotaStaleMaxSeconds()),
                    Duration.ofMillis(config.quotaTimeoutMillis()),
                    config.quotaCacheEntriesMax(),
                    new Quotas(config.unknownTenant().requestsPerMinute(), config.unknownTenant().tokensPerDay(),
                            config.unknownTenant().storageBytes()));
        }
    }

    /** Quotas the tenant service gave, and when. */
    private record Known(Quotas quotas, Instant readAt) {
    }

    /** What is served until {@code askAgainAt}, and the last answer of the tenant service if any. */
    private record Entry(Quotas served, Optional<Known> known, Instant askAgainAt) {
    }

    /** Where a served figure came from, the tag of {@code aicunet.limits.quota.answers}. */
    enum Origin {
        TENANT_SERVICE("tenant-service"), UNKNOWN_TENANT("unknown-tenant"), STALE("stale"),
        UNREACHABLE("unreachable");

        final String tag;

        Origin(String tag) {
            this.tag = tag;
        }
    }

    private final QuotaSource source;
    private final Settings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<TenantId, Entry> entries = new ConcurrentHashMap<>();
    private final Map<TenantId, Uni<Quotas>> asking = new ConcurrentHashMap<>();

    @Inject
    public TenantQuotas(QuotaSource source, LimitsConfig config, MeterRegistry meters) {
        this(source, Settings.from(config), Clock.systemUTC(), meters);
    }

    public TenantQuotas(QuotaSource source, Settings settings, Clock clock, MeterRegistry meters) {
        this.source = Objects.requireNonNull(source, "source");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** The tenant's quotas now; never fails (see the class comment for what an outage gives). */
    public Uni<Quotas> of(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        Entry entry = entries.get(tenant);
        if (entry != null && clock.instant().isBefore(entry.askAgainAt())) {
            return Uni.createFrom().item(entry.served());
        }
        return asking.computeIfAbsent(tenant, this::ask);
    }

    /** One call to the source for the tenant, shared by everyone who asks meanwhile. */
    private Uni<Quotas> ask(TenantId tenant) {
        return Uni.createFrom().deferred(() -> source.quotasOf(tenant))
                .ifNoItem().after(settings.timeout()).fail()
                .onItemOrFailure().transform((found, failure) -> settle(tenant, found, failure))
                .onTermination().invoke(() -> {
                    // A statement, not an expression: eventually() given a lambda returning the
                    // removed Uni would wait for that Uni, which is this one.
                    asking.remove(tenant);
                })
                .memoize().indefinitely();
    }

    private Quotas settle(TenantId tenant, Optional<Quotas> found, Throwable failure) {
        Instant now = clock.instant();
        Instant askAgainAt = now.plus(settings.cacheFor());
        Optional<Known> before = Optional.ofNullable(entries.get(tenant)).flatMap(Entry::known);
        Entry next;
        Origin origin;
        if (failure == null && found.isPresent()) {
            next = new Entry(found.get(), Optional.of(new Known(found.get(), now)), askAgainAt);
            origin = Origin.TENANT_SERVICE;
        } else if (failure == null) {
            next = new Entry(settings.unknownTenant(), Optional.empty(), askAgainAt);
            origin = Origin.UNKNOWN_TENANT;
        } else {
            Optional<Known> usable = before.filter(known -> !now.isAfter(known.readAt().plus(settings.staleMax())));
            next = new Entry(usable.map(Known::quotas).orElse(settings.unknownTenant()), usable, askAgainAt);
            origin = usable.isPresent() ? Origin.STALE : Origin.UNREACHABLE;
            LOG.warnf("quotas of tenant %s could not be read (%s); serving %s", tenant, describe(failure),
                    usable.map(known -> "those read at " + known.readAt()).orElse("the unknown-tenant quotas"));
        }
        remember(tenant, next, now);
        meters.counter("aicunet.limits.quota.answers", "origin", origin.tag).increment();
        return next.served();
    }

    /**
     * The failure and, when it has one, its root cause: gRPC reports a refused TLS handshake
     * as "UNAVAILABLE: io exception", and only the cause says why (e.g. an expired certificate).
     */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? failure.toString() : failure + ", caused by " + root;
    }

    private void remember(TenantId tenant, Entry entry, Instant now) {
        if (entries.size() >= settings.entriesMax() && !entries.containsKey(tenant)) {
            entries.values().removeIf(old -> old.askAgainAt().plus(settings.staleMax()).isBefore(now));
            while (entries.size() >= settings.entriesMax()) {
                entries.entrySet().stream()
                        .min(Comparator.comparing((Map.Entry<TenantId, Entry> old) -> old.getValue().askAgainAt()))
                        .ifPresent(oldest -> entries.remove(oldest.getKey(), oldest.getValue()));
            }
        }
        entries.put(tenant, entry);
    }
}
