package io.aicunet.config.application.port;

import io.aicunet.config.domain.ConfigScope;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/**
 * The layers of effective configurations, shared by every replica, each stored with
 * the revision it is consistent with. Whether a cached answer is still current is
 * decided by the reader against what its replica knows changed since
 * ({@code ChangeFeed.requiredRevision} in the watch); invalidation on a change drops what is cached
 * for the tenant (or for the platform level) at once. Never holds a secret in the
 * clear: sealed values stay sealed. Failures and timeouts are misses, never errors:
 * the database answers instead.
 */
public interface EffectiveCache {

    Uni<Optional<Entries.Layers>> get(Optional<TenantId> tenant, Optional<String> service, List<String> namespaces);

    Uni<Void> put(Optional<TenantId> tenant, Optional<String> service, List<String> namespaces, Entries.Layers layers);

    /** Drops every cached configuration of the scope's tenant, or of the platform level. */
    Uni<Void> invalidate(ConfigScope scope);

    /**
     * Deletes every key this service keeps for the tenant (its erasure); returns how many
     * existed. Unlike {@link #invalidate}, fails when Redis does not answer, so the
     * erasure is retried rather than reported done.
     */
    Uni<Long> forget(TenantId tenant);
}
