package io.aicunet.platform.privacy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where export bundles go: an S3-compatible store ({@link S3ObjectStore}, the local stack's
 * and production's choice) or a local directory ({@link LocalDirectoryObjectStore}); which
 * one is configuration ({@link ObjectStores}). Keys are paths of lower-case letters, digits
 * and {@code - _ . /}, never {@code ..} ({@link ObjectKeys}).
 *
 * <p>Objects stream both ways: {@link #put} reads its content once, in bounded pieces, and
 * {@link #get} hands out a stream, so an object may be far larger than the heap. Failures
 * of the store itself (unreachable, credentials refused) are {@link IOException}s whose
 * message names the store; a bad key is an {@link IllegalArgumentException} and touches
 * nothing.
 */
public interface ObjectStore {

    /** The most objects one {@link #list} call returns. */
    int LIST_COUNT_MAX = 1000;

    /**
     * Writes the object from {@code content} (of any length, read to its end, not closed),
     * replacing what was there; returns its SHA-256 in hex. Readers never see half an
     * object: it appears whole or not at all.
     */
    String put(String key, InputStream content) throws IOException;

    /** The object's content as a stream the caller closes, or empty when there is none. */
    Optional<InputStream> get(String key) throws IOException;

    /**
     * Up to {@code countMax} (at most {@link #LIST_COUNT_MAX}) objects whose keys start with
     * {@code prefix} and sort after {@code startAfter} (empty: from the first), in key order.
     * Page on with the last key returned.
     */
    List<StoredObject> list(String prefix, String startAfter, int countMax) throws IOException;

    /** Deletes the object; false when there was none. */
    boolean delete(String key) throws IOException;

    /** What the store holds under a key. */
    record StoredObject(String key, long sizeBytes, Instant lastModified) {
    }
}
