package io.aicunet.platform.privacy;

import io.smallrye.mutiny.Uni;
import java.util.Map;

/**
 * A service's way of doing a completed erasure again, from its tombstone, after its
 * database was restored to an instant before it ({@link ErasureTombstones}). Must be
 * idempotent (a second call finds nothing) and must not answer on Kafka: the request was
 * answered before the restore. The services that answer privacy requests get
 * {@link PrivacyPartReplay}; the tenant service brings its own (mark the tenant erased,
 * destroy its data keys).
 */
public interface ErasureReplay {

    /** Erases again what the tombstone names; counts per kind of record removed or anonymised. */
    Uni<Map<String, Long>> replay(ErasureTombstone tombstone);
}
