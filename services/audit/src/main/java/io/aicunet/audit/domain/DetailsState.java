package io.aicunet.audit.domain;

import java.util.Locale;

/** What a reader gets of a record's details. */
public enum DetailsState {
    /** Not sealed: the details are what the record hash covers. */
    PLAIN,
    /** Sealed, and the tenant's key opened them. */
    DECRYPTED,
    /** Sealed, and the key is gone (destroyed with the tenant's erasure): nobody can read them. */
    UNREADABLE,
    /** Sealed, and the ciphertext was removed by a data subject's erasure. */
    REDACTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
