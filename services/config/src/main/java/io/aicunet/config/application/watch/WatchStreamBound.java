package io.aicunet.config.application.watch;

import io.aicunet.config.application.port.WatchStreamLeases;
import io.aicunet.config.application.port.WatchStreamLeases.Taken;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The bound on a tenant's open watch streams, {@value #LIMIT}, across every replica: each
 * stream holds a lease in Redis ({@link WatchStreamLeases}) that this replica renews while
 * the stream is open and gives back when it ends, however it ends (closed, cancelled, the
 * client gone, failed). A replica that dies stops renewing, so its streams' leases run out
 * after {@code config.watch.stream-lease-millis}. While Redis does not answer, the bound
 * holds per replica: a replica admits a tenant's stream if it serves fewer than the
 * maximum of that tenant's streams itself; the next renewal records such streams in Redis.
 */
@ApplicationScoped
public class WatchStreamBound {

    /** The setting, named in every refusal. */
    public static final String LIMIT = "config.watch.streams-per-tenant-max";

    private static final Logger LOG = Logger.getLogger(WatchStreamBound.class);

    /** A stream's place in its tenant's count. */
    public record Slot(TenantId tenant, String stream) {
    }

    /** Whether a new stream may open: its slot, or the bound it would pass (nothing taken). */
    public sealed interface Admission {

        record Admitted(Slot slot) implements Admission {
        }

        record Refused(Problem.ResourceExhausted problem) implements Admission {
        }
    }

    private final WatchStreamLeases leases;
    private final int max;
    private final String replica = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<TenantId, Set<String>> open = new ConcurrentHashMap<>();

    @Inject
    public WatchStreamBound(WatchStreamLeases leases, ConfigServiceConfig settings) {
        this(leases, settings.watch().streamsPerTenantMax());
    }

    WatchStreamBound(WatchStreamLeases leases, int max) {
        if (max < 1) {
            throw new IllegalArgumentException(LIMIT + " must be 1 or more, not " + max);
        }
        this.leases = leases;
        this.max = max;
    }

    /** A slot for a new stream of the tenant, or the refusal: the bound and the count, nothing taken. */
    public Uni<Admission> take(TenantId tenant) {
        Slot slot = new Slot(tenant, replica + ":" + sequence.incrementAndGet());
        return leases.take(tenant, slot.stream(), max).map(taken -> {
            if (taken instanceof Taken.Granted) {
                open.computeIfAbsent(tenant, ignored -> ConcurrentHashMap.newKeySet()).add(slot.stream());
                return new Admission.Admitted(slot);
            }
            if (taken instanceof Taken.AtMaximum atMaximum) {
                return new Admission.Refused(refusal(tenant, atMaximum.open(), ""));
            }
            LOG.warnf("watch-stream leases unreachable (%s): bounding tenant %s's streams on this replica alone",
                    ((Taken.Unreachable) taken).reason(), tenant);
            return takeOnThisReplica(slot);
        });
    }

    /** Gives the slot back; safe to call more than once. */
    public void release(Slot slot) {
        open.computeIfPresent(slot.tenant(), (tenant, streams) -> {
            streams.remove(slot.stream());
            return streams.isEmpty() ? null : streams;
        });
        leases.release(slot.tenant(), slot.stream()).subscribe().with(ignored -> {
        });
    }

    /** Renews the leases of every stream open on this replica (the scheduled job, every third of a lease). */
    public Uni<Void> renew() {
        List<Uni<Void>> renewals = new ArrayList<>();
        open.forEach((tenant, streams) -> renewals.add(leases.renew(tenant, List.copyOf(streams))));
        return renewals.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(renewals).andFailFast()
                .replaceWithVoid();
    }

    /** How many of the tenant's streams this replica serves. */
    public int openOnThisReplica(TenantId tenant) {
        Set<String> streams = open.get(tenant);
        return streams == null ? 0 : streams.size();
    }

    private Admission takeOnThisReplica(Slot slot) {
        AtomicReference<Admission> result = new AtomicReference<>();
        open.compute(slot.tenant(), (tenant, streams) -> {
            Set<String> current = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            if (current.size() >= max) {
                result.set(new Admission.Refused(refusal(tenant, current.size(),
                        " on this replica (Redis does not answer)")));
            } else {
                current.add(slot.stream());
                result.set(new Admission.Admitted(slot));
            }
            return current.isEmpty() ? null : current;
        });
        return result.get();
    }

    private Problem.ResourceExhausted refusal(TenantId tenant, long current, String where) {
        return new Problem.ResourceExhausted(LIMIT, "tenants/" + tenant + "/watch-streams", max, current,
                "the tenant has " + current + " open watch streams" + where + ", its maximum is " + max + " ("
                        + LIMIT + "); close one to open another");
    }
}
