package io.aicunet.platform.privacy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where export bundles go: a local directory by default; an S3-compatible store is the
 * production choice (not built yet: see docs/privacy-requests.md). Keys are paths of
 * lower-case letters, digits and {@code - _ . /}, never {@code ..}.
 */
public interface ObjectStore {

    /** Writes the object, replacing what was there; returns its SHA-256 in hex. */
    String put(String key, InputStream content) throws IOException;

    /** The object's bytes, or empty when there is none. */
    Optional<byte[]> get(String key) throws IOException;
}
