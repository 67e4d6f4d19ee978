package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * The Redis cache of each thread's latest checkpoint. An entry holds a version, the
 * checkpoint of that version and a fence: the highest version a writer announced. A
 * writer fences version n before its transaction commits and puts checkpoint n after;
 * an entry whose version is below its fence is not served, and a checkpoint below the
 * fence or not above the cached version is never put. So a slow reader can never put
 * back an older version over a newer committed one. States are cached sealed, as
 * PostgreSQL holds them. Every method fails with
 * {@link HotState.UnavailableException} when Redis does not answer in time.
 */
public interface CheckpointCache extends HotState {

    /** A fence no version reaches: what a deleted thread's entry gets. */
    long TOMBSTONE_VERSION = Long.MAX_VALUE / 4;

    /** The cached latest checkpoint (its state sealed), if one is cached and not fenced off. */
    Uni<Optional<StoredCheckpoint>> latest(TenantId tenant, ThreadId thread);

    /**
     * Announces that version {@code version} of the thread is being written; no older one
     * may be put from now on, and an older cached checkpoint is dropped at once (it would
     * never be served again).
     */
    Uni<Void> fence(TenantId tenant, ThreadId thread, long version);

    /** Caches the checkpoint as its thread's latest, unless the entry's fence or version is newer; whether it did. */
    Uni<Boolean> put(StoredCheckpoint checkpoint);

    /** Removes the thread's entry, fence included. */
    Uni<Void> evict(TenantId tenant, ThreadId thread);

    /** Whether Redis answers a PING. */
    Uni<Boolean> ping();
}
