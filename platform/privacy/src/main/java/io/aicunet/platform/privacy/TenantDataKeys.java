package io.aicunet.platform.privacy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * Tenants' data keys as a service holds them: fetched from the tenant service and kept
 * in memory for at most {@code timeToLive}, at most {@code entriesMax} of them. After a
 * tenant's key is destroyed, a service may still encrypt or decrypt with its cached copy
 * for at most {@code timeToLive}; then never again.
 *
 * <p>A replica that did its part of the tenant's erasure ({@link #erasing}) caches none of
 * the tenant's keys from then on: each use asks the tenant service, which refuses from the
 * moment it destroys them, so that replica never shows the tenant's data after the erasure
 * completes. The tenant stays marked until the tenant service says its current key is gone
 * (or the process ends); an erasure that fails leaves the keys working, only not cached.
 */
public final class TenantDataKeys {

    /** The type of the refusal to store personal data for a tenant without a data key. */
    public static final String KEY_UNAVAILABLE = "TENANT_DATA_KEY_UNAVAILABLE";

    private static final Logger LOG = Logger.getLogger(TenantDataKeys.class);

    /** Fetches a key: (tenant, key id or "" for the current one) → the key, or empty when destroyed or unknown. */
    public interface Source extends BiFunction<TenantId, String, Uni<Optional<DataKey>>> {
    }

    private record Entry(Optional<DataKey> key, Instant expiresAt) {
    }

    private record CacheKey(TenantId tenant, String keyId) {
    }

    private final Source source;
    private final Duration timeToLive;
    private final int entriesMax;
    private final Clock clock;
    private final Map<CacheKey, Entry> cache = new ConcurrentHashMap<>();
    private final Set<TenantId> erasing = ConcurrentHashMap.newKeySet();

    public TenantDataKeys(Source source, Duration timeToLive, int entriesMax, Clock clock) {
        if (entriesMax < 1) {
            throw new IllegalArgumentException("entriesMax must be at least 1, was " + entriesMax);
        }
        this.source = source;
        this.timeToLive = timeToLive;
        this.entriesMax = entriesMax;
        this.clock = clock;
    }

    /** The tenant's current key; empty when it was destroyed. */
    public Uni<Optional<DataKey>> current(TenantId tenant) {
        return lookUp(new CacheKey(tenant, ""));
    }

    /**
     * The tenant's current key, to write personal data with: FAILED_PRECONDITION
     * {@value #KEY_UNAVAILABLE} when the tenant has none (unknown to the tenant service, or
     * erased), saying that {@code what} cannot be stored; UNAVAILABLE when the tenant
     * service does not answer.
     */
    public Uni<Result<DataKey>> forWriting(TenantId tenant, String what) {
        return current(tenant)
                .map(key -> key.<Result<DataKey>>map(Result::ok)
                        .orElseGet(() -> Result.failed(keyUnavailable(tenant, what))))
                .onFailure().recoverWithItem(failure -> Result.failed(keyServiceUnavailable(tenant, failure)));
    }

    /** The refusal for a tenant without a data key: {@code what} can be neither stored nor read. */
    public static Problem keyUnavailable(TenantId tenant, String what) {
        return new Problem.FailedPrecondition(KEY_UNAVAILABLE, "tenants/" + tenant,
                "tenant " + tenant + " has no data key (the tenant service does not know it, or it was erased),"
                        + " so " + what + " of it can be neither stored nor read; nothing was changed");
    }

    /** The answer when the tenant service, which holds the data keys, cannot be asked. */
    public static Problem keyServiceUnavailable(TenantId tenant, Throwable failure) {
        LOG.warnf("the tenant service did not hand out the data key of tenant %s: %s", tenant, failure.toString());
        return new Problem.Unavailable("the tenant service, which holds tenant " + tenant
                + "'s data key, does not answer; retry later");
    }

    /** The key a ciphertext names; empty when it was destroyed. */
    public Uni<Optional<DataKey>> forCiphertext(TenantId tenant, String ciphertext) {
        Optional<String> keyId = FieldCipher.keyIdOf(ciphertext);
        return keyId.isEmpty() ? Uni.createFrom().item(Optional.empty()) : lookUp(new CacheKey(tenant, keyId.get()));
    }

    /** Drops what is cached of a tenant, e.g. on TenantDataKeyDestroyed. */
    public void forget(TenantId tenant) {
        cache.keySet().removeIf(key -> key.tenant().equals(tenant));
    }

    /**
     * This replica has erased its part of the whole tenant, whose keys the tenant service
     * destroys once every service has: drops what is cached of the tenant and caches none of
     * its keys until the tenant service answers that its current key is gone.
     */
    public void erasing(TenantId tenant) {
        erasing.add(tenant);
        forget(tenant);
    }

    /** How many keys (or known absences) are cached now. */
    int size() {
        return cache.size();
    }

    private Uni<Optional<DataKey>> lookUp(CacheKey key) {
        Instant now = clock.instant();
        Entry cached = cache.get(key);
        if (cached != null && cached.expiresAt().isAfter(now)) {
            return Uni.createFrom().item(cached.key());
        }
        return source.apply(key.tenant(), key.keyId()).invoke(found -> {
            if (!erasing.contains(key.tenant())) {
                remember(key, found, now);
            } else if (found.isEmpty() && key.keyId().isEmpty()) {
                erasing.remove(key.tenant()); // destroyed for good: its absence may be cached like any other
                remember(key, found, now);
            }
        });
    }

    private void remember(CacheKey key, Optional<DataKey> found, Instant now) {
        if (cache.size() >= entriesMax) {
            evictExpiredOrAny(now);
        }
        cache.put(key, new Entry(found, now.plus(timeToLive)));
    }

    private void evictExpiredOrAny(Instant now) {
        cache.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
        Iterator<CacheKey> keys = cache.keySet().iterator();
        while (cache.size() >= entriesMax && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }
}
