package io.aicunet.config.application;

import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.StoredValue;

/**
 * Seals and opens secret values. Sealed values are bound to their entry (namespace,
 * key, scope), so a sealed value copied to another entry does not open.
 *
 * <p>This is the seam for issue 8: today one key from configuration seals everything;
 * per-tenant data keys (wrapped by a master key, destroyed on erasure) will implement
 * this same port, choosing the key by {@code key.scope().tenant()}.
 */
public interface SecretCipher {

    StoredValue.Sealed seal(EntryKey key, String json);

    /** The JSON text; fails (a bug or tampering) when the value does not open. */
    String open(EntryKey key, StoredValue.Sealed sealed);
}
