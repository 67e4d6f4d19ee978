package io.aicunet.config.application.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.config.application.port.WatchStreamLeases;
import io.aicunet.config.application.watch.WatchStreamBound.Admission;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The watch-stream bound's own rules, with a lease store that answers as the test says. */
class WatchStreamBoundTest {

    private final TenantId tenant = TenantId.random();

    /**
     * Proves: while the lease store does not answer, the bound holds per replica: exactly
     * the maximum of a tenant's streams is admitted, one more is refused with the bound and
     * this replica's count and says so, another tenant is unaffected, and giving one slot
     * back (twice, harmlessly) lets exactly one more in.
     */
    @Test
    void withoutTheStoreTheBoundHoldsPerReplica() {
        FakeLeases store = new FakeLeases(new WatchStreamLeases.Taken.Unreachable("connection refused"));
        WatchStreamBound bound = new WatchStreamBound(store, 2);
        Admission first = take(bound, tenant);
        assertThat(first).isInstanceOf(Admission.Admitted.class);
        assertThat(take(bound, tenant)).isInstanceOf(Admission.Admitted.class);

        Problem.ResourceExhausted refusal = ((Admission.Refused) take(bound, tenant)).problem();
        assertThat(refusal.limit()).isEqualTo(WatchStreamBound.LIMIT);
        assertThat(refusal.subject()).isEqualTo("tenants/" + tenant + "/watch-streams");
        assertThat(refusal.bound()).isEqualTo(2);
        assertThat(refusal.current()).isEqualTo(2);
        assertThat(refusal.detail()).contains("on this replica");
        assertThat(take(bound, TenantId.random())).isInstanceOf(Admission.Admitted.class);

        WatchStreamBound.Slot slot = ((Admission.Admitted) first).slot();
        bound.release(slot);
        bound.release(slot);
        assertThat(bound.openOnThisReplica(tenant)).isEqualTo(1);
        assertThat(take(bound, tenant)).isInstanceOf(Admission.Admitted.class);
        assertThat(take(bound, tenant)).isInstanceOf(Admission.Refused.class);
    }

    /**
     * Proves: when the store says the tenant is at its maximum (streams on other replicas),
     * the stream is refused with the store's count, and this replica holds nothing for it.
     */
    @Test
    void theStoresCountDecides() {
        WatchStreamBound bound = new WatchStreamBound(new FakeLeases(new WatchStreamLeases.Taken.AtMaximum(5)), 5);
        assertThat(((Admission.Refused) take(bound, tenant)).problem().current()).isEqualTo(5);
        assertThat(bound.openOnThisReplica(tenant)).isZero();
    }

    /**
     * Proves: the renewal renews exactly the streams open on this replica, per tenant, and
     * a stream given back is neither renewed nor kept: its lease is released in the store.
     */
    @Test
    void renewsOpenStreamsOnlyAndReleasesClosedOnes() {
        FakeLeases store = new FakeLeases(new WatchStreamLeases.Taken.Granted(1));
        WatchStreamBound bound = new WatchStreamBound(store, 10);
        WatchStreamBound.Slot kept = ((Admission.Admitted) take(bound, tenant)).slot();
        WatchStreamBound.Slot closed = ((Admission.Admitted) take(bound, tenant)).slot();
        bound.release(closed);
        bound.renew().await().indefinitely();
        assertThat(store.renewed).containsOnly(Map.entry(tenant, List.of(kept.stream())));
        assertThat(store.released).containsExactly(closed.stream());
    }

    /** Proves: a bound below one is refused at start, naming the setting. */
    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> new WatchStreamBound(new FakeLeases(null), 0))
                .hasMessageContaining(WatchStreamBound.LIMIT);
    }

    private static Admission take(WatchStreamBound bound, TenantId tenant) {
        return bound.take(tenant).await().indefinitely();
    }

    private static final class FakeLeases implements WatchStreamLeases {

        private final Taken answer;
        private final List<String> released = new ArrayList<>();
        private final Map<TenantId, List<String>> renewed = new ConcurrentHashMap<>();

        FakeLeases(Taken answer) {
            this.answer = answer;
        }

        @Override
        public Uni<Taken> take(TenantId tenant, String stream, int max) {
            return Uni.createFrom().item(answer);
        }

        @Override
        public Uni<Void> release(TenantId tenant, String stream) {
            released.add(stream);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> renew(TenantId tenant, Collection<String> streams) {
            renewed.put(tenant, List.copyOf(streams));
            return Uni.createFrom().voidItem();
        }
    }
}
