package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantStatus;
import io.aicunet.platform.tenancy.TenantId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Proves: TenantQuotas serves the tenant service's answer for the cache time and the new
 * figure after it; asks once for concurrent questions; gives an unknown tenant the
 * unknown-tenant quotas and an erased one no tokens, no bytes and the FREE rate; serves the last known quotas through an
 * outage up to the staleness bound and the unknown-tenant quotas after it or when the
 * tenant service was never reached or hangs; refuses settings out of range.
 */
class TenantQuotasTest {

    private static final Quotas UNKNOWN = new Quotas(60, 100_000, 1L << 30);
    private static final Quotas STANDARD = new Quotas(600, 5_000_000, 50L << 30);
    private static final Duration CACHE = Duration.ofSeconds(5);
    private static final Duration STALE_MAX = Duration.ofMinutes(60);

    private final TenantId tenant = TenantId.random();
    private final MutableClock clock = new MutableClock();
    private final FakeSource source = new FakeSource();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TenantQuotas quotas = new TenantQuotas(source,
            new TenantQuotas.Settings(CACHE, STALE_MAX, Duration.ofMillis(200), 3, UNKNOWN), clock, meters);

    @Test
    void servesTheAnswerForTheCacheTimeAndTheChangedQuotasAfterIt() {
        source.known.put(tenant, STANDARD);
        assertThat(of(tenant)).isEqualTo(STANDARD);
        Quotas raised = new Quotas(6_000, 5_000_000, 50L << 30);
        source.known.put(tenant, raised);

        clock.advance(CACHE.minusMillis(1));
        assertThat(of(tenant)).isEqualTo(STANDARD);
        assertThat(source.calls.get()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(of(tenant)).isEqualTo(raised);
        assertThat(source.calls.get()).isEqualTo(2);
        assertThat(answers("tenant-service")).isEqualTo(2);
    }

    @Test
    void asksOnceForQuestionsThatArriveWhileAnAnswerIsAwaited() {
        source.known.put(tenant, STANDARD);
        source.holdAnswers = true;
        List<Quotas> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            quotas.of(tenant).subscribe().with(answers::add);
        }
        assertThat(source.calls.get()).isEqualTo(1);
        assertThat(answers).isEmpty();

        source.releaseHeld();
        assertThat(answers).hasSize(5).containsOnly(STANDARD);
        assertThat(of(tenant)).isEqualTo(STANDARD);
        assertThat(source.calls.get()).isEqualTo(1);
    }

    @Test
    void givesATenantTheTenantServiceDoesNotKnowTheUnknownTenantQuotasAndAsksAgainAfterTheCacheTime() {
        assertThat(of(tenant)).isEqualTo(UNKNOWN);
        source.known.put(tenant, STANDARD);
        assertThat(of(tenant)).isEqualTo(UNKNOWN);

        clock.advance(CACHE);
        assertThat(of(tenant)).isEqualTo(STANDARD);
        assertThat(answers("unknown-tenant")).isEqualTo(1);
    }

    @Test
    void servesTheLastKnownQuotasThroughAnOutageUpToTheStalenessBound() {
        source.known.put(tenant, STANDARD);
        assertThat(of(tenant)).isEqualTo(STANDARD);
        source.down = true;

        clock.advance(STALE_MAX);
        assertThat(of(tenant)).isEqualTo(STANDARD);
        assertThat(answers("stale")).isEqualTo(1);

        clock.advance(CACHE);
        assertThat(of(tenant)).isEqualTo(UNKNOWN);
        assertThat(answers("unreachable")).isEqualTo(1);

        source.down = false;
        clock.advance(CACHE);
        assertThat(of(tenant)).isEqualTo(STANDARD);
    }

    @Test
    void givesATenantTheTenantServiceNeverAnsweredForTheUnknownTenantQuotas() {
        source.known.put(tenant, STANDARD);
        source.down = true;
        assertThat(of(tenant)).isEqualTo(UNKNOWN);

        source.down = false;
        assertThat(of(tenant)).as("the outage's answer is kept for the cache time").isEqualTo(UNKNOWN);
        clock.advance(CACHE);
        assertThat(of(tenant)).isEqualTo(STANDARD);
    }

    @Test
    void treatsATenantServiceThatDoesNotAnswerInTimeAsUnreachable() {
        source.known.put(tenant, STANDARD);
        source.hang = true;
        assertThat(quotas.of(tenant).await().atMost(Duration.ofSeconds(10))).isEqualTo(UNKNOWN);
        assertThat(answers("unreachable")).isEqualTo(1);
    }

    @Test
    void forgetsTheOldestAnswersFirstWhenFull() {
        TenantId first = TenantId.random();
        of(first);
        clock.advance(Duration.ofMillis(1));
        of(TenantId.random());
        clock.advance(Duration.ofMillis(1));
        of(TenantId.random());
        clock.advance(Duration.ofMillis(1));
        TenantId fourth = TenantId.random();
        of(fourth);
        int calls = source.calls.get();

        of(fourth);
        assertThat(source.calls.get()).isEqualTo(calls);
        of(first);
        assertThat(source.calls.get()).as("the first answer was forgotten").isEqualTo(calls + 1);
    }

    @Test
    void givesAnErasedTenantNoTokensNoBytesAndTheFreeRate() {
        Tenant erased = Tenant.newBuilder().setStatus(TenantStatus.TENANT_STATUS_ERASED)
                .setQuotas(io.aicunet.contracts.tenant.v1.Quotas.newBuilder().setRequestsPerMinute(600)).build();
        Tenant active = Tenant.newBuilder().setStatus(TenantStatus.TENANT_STATUS_ACTIVE)
                .setQuotas(io.aicunet.contracts.tenant.v1.Quotas.newBuilder()
                        .setRequestsPerMinute(7).setTokensPerDay(8).setStorageBytes(9)).build();

        assertThat(GrpcQuotaSource.quotasOf(erased)).isEqualTo(new Quotas(60, 0, 0));
        assertThat(GrpcQuotaSource.quotasOf(active)).isEqualTo(new Quotas(7, 8, 9));
    }

    @Test
    void refusesNegativeQuotasAndSettingsOutOfRange() {
        assertThatThrownBy(() -> new Quotas(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never negative");
        assertThatThrownBy(() -> new TenantQuotas.Settings(CACHE, STALE_MAX, Duration.ZERO, 3, UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> new TenantQuotas.Settings(Duration.ofSeconds(-1), STALE_MAX, CACHE, 3, UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TenantQuotas.Settings(CACHE, STALE_MAX, CACHE, 0, UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Quotas of(TenantId id) {
        return quotas.of(id).await().atMost(Duration.ofSeconds(10));
    }

    private double answers(String origin) {
        return meters.counter("aicunet.limits.quota.answers", "origin", origin).count();
    }

    /** The tenant service, as far as TenantQuotas sees it. */
    private static final class FakeSource implements QuotaSource {
        final Map<TenantId, Quotas> known = new HashMap<>();
        final AtomicInteger calls = new AtomicInteger();
        final List<Runnable> held = new ArrayList<>();
        volatile boolean down;
        volatile boolean hang;
        volatile boolean holdAnswers;

        @Override
        public Uni<Optional<Quotas>> quotasOf(TenantId tenant) {
            calls.incrementAndGet();
            if (hang) {
                return Uni.createFrom().nothing();
            }
            if (down) {
                return Uni.createFrom().failure(new IllegalStateException("connection refused"));
            }
            Optional<Quotas> answer = Optional.ofNullable(known.get(tenant));
            if (holdAnswers) {
                return Uni.createFrom().emitter((UniEmitter<? super Optional<Quotas>> emitter) ->
                        held.add(() -> emitter.complete(answer)));
            }
            return Uni.createFrom().item(answer);
        }

        void releaseHeld() {
            List<Runnable> now = List.copyOf(held);
            held.clear();
            now.forEach(Runnable::run);
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-05T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
