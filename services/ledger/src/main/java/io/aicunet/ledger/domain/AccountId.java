package io.aicunet.ledger.domain;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The id of an account, chosen by the client; unique within its tenant. */
public record AccountId(UUID value) implements Comparable<AccountId> {

    public AccountId {
        Objects.requireNonNull(value, "value");
    }

    /** The id written as text, or empty when the text is not a UUID. */
    public static Optional<AccountId> parse(String text) {
        return Uuids.parse(text).map(AccountId::new);
    }

    /**
     * Orders ids the way PostgreSQL orders uuid values (unsigned, byte by byte), so
     * that rows locked in this order in Java and in SQL are locked in the same order.
     */
    @Override
    public int compareTo(AccountId other) {
        return Uuids.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
