package io.aicunet.platform.privacy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Deletes objects older than their expiry: the sweep that expires export bundles
 * ({@code aicunet.privacy.exports.expire-after}). A sweep and not the bucket's lifecycle
 * rule: s3proxy (the local stack's store) does not apply lifecycle rules, and a directory
 * store has none. Safe with several replicas: deleting an object twice deletes it once.
 */
public final class ExpiredObjects {

    private ExpiredObjects() {
    }

    /**
     * Deletes the objects under {@code prefix} last modified more than {@code expireAfter}
     * before {@code now}, at most {@code deletedMax} of them (the next sweep goes on); the
     * number deleted.
     */
    public static int delete(ObjectStore store, String prefix, Duration expireAfter, Instant now, int deletedMax)
            throws IOException {
        if (expireAfter.isNegative() || expireAfter.isZero()) {
            throw new IllegalArgumentException("expire-after must be positive, not " + expireAfter);
        }
        if (deletedMax < 1) {
            throw new IllegalArgumentException("deletedMax must be positive, not " + deletedMax);
        }
        refuseTombstones(prefix);
        Instant cutoff = now.minus(expireAfter);
        int deleted = 0;
        String after = "";
        while (deleted < deletedMax) {
            List<ObjectStore.StoredObject> page = store.list(prefix, after, ObjectStore.LIST_COUNT_MAX);
            if (page.isEmpty()) {
                break;
            }
            for (ObjectStore.StoredObject object : page) {
                if (object.lastModified().isBefore(cutoff) && deleted < deletedMax && store.delete(object.key())) {
                    deleted++;
                }
            }
            after = page.get(page.size() - 1).key();
        }
        return deleted;
    }

    /**
     * Erasure tombstones ({@link ErasureTombstones}) never expire: a sweep over a prefix that
     * holds them, or lies inside them, is refused before anything is listed.
     */
    private static void refuseTombstones(String prefix) {
        if (ErasureTombstones.ROOT.startsWith(prefix) || prefix.startsWith(ErasureTombstones.ROOT)) {
            throw new IllegalArgumentException("refusing to delete under " + (prefix.isEmpty() ? "the whole store" : prefix)
                    + ": erasure tombstones (" + ErasureTombstones.ROOT + ") are never deleted by a sweep");
        }
    }

    /** Deletes every object under {@code prefix} (a tenant's bundles at its erasure), at most {@code deletedMax}; the number deleted. */
    public static int deleteAll(ObjectStore store, String prefix, int deletedMax) throws IOException {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("refusing to delete every object of the store: the prefix is empty");
        }
        refuseTombstones(prefix);
        int deleted = 0;
        while (deleted < deletedMax) {
            List<ObjectStore.StoredObject> page = store.list(prefix, "",
                    Math.min(ObjectStore.LIST_COUNT_MAX, deletedMax - deleted));
            if (page.isEmpty()) {
                break;
            }
            int before = deleted;
            for (ObjectStore.StoredObject object : page) {
                if (store.delete(object.key())) {
                    deleted++;
                }
            }
            if (deleted == before) {
                throw new IOException("objects under " + prefix + " are listed but cannot be deleted: " + page.get(0).key());
            }
        }
        return deleted;
    }
}
