package io.aicunet.config.application.port;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.util.Collection;

/**
 * Leases on a tenant's open watch streams, shared by every replica: each open stream
 * holds one for a lease time that its replica keeps renewing; a stream that ends gives
 * it back, and one whose replica died loses it when the lease runs out. Never fails:
 * a store that does not answer is {@link Taken.Unreachable}, and a renewal or release
 * that fails is left to the lease's expiry.
 */
public interface WatchStreamLeases {

    /** What taking a lease found. */
    sealed interface Taken {

        /** The stream holds a lease now; {@code open} streams of the tenant hold one, with it. */
        record Granted(long open) implements Taken {
        }

        /** The tenant's {@code open} streams hold the maximum already: nothing was taken. */
        record AtMaximum(long open) implements Taken {
        }

        /** The store did not answer; nothing is known about the count. */
        record Unreachable(String reason) implements Taken {
        }
    }

    /** Takes a lease for {@code stream} unless the tenant's live leases number {@code max} or more. */
    Uni<Taken> take(TenantId tenant, String stream, int max);

    /** Gives the stream's lease back (nothing if it holds none). */
    Uni<Void> release(TenantId tenant, String stream);

    /** Renews the leases of these open streams of the tenant, taking again any the store lost. */
    Uni<Void> renew(TenantId tenant, Collection<String> streams);
}
