package io.aicunet.ledger.domain;

import java.util.Locale;
import java.util.Optional;

/** What a transfer does to the balances of its two accounts. */
public enum TransferKind {
    /** Single-phase: posts the amount at once. */
    POSTED,
    /** Reserves the amount in the pending balances until it is posted, voided or expires. */
    PENDING,
    /** Posts (part of) a pending transfer and releases its reservation. */
    POST_PENDING,
    /** Releases a pending transfer's reservation. */
    VOID_PENDING,
    /** Releases a pending transfer's reservation when its timeout passes; written by the ledger only. */
    EXPIRE_PENDING;

    /** The name in the database, REST and configuration: {@code post_pending}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TransferKind> fromWireName(String wireName) {
        for (TransferKind kind : values()) {
            if (kind.wireName().equals(wireName)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** Whether this kind settles a pending transfer named by pending_id. */
    public boolean settlesPending() {
        return this == POST_PENDING || this == VOID_PENDING || this == EXPIRE_PENDING;
    }
}
