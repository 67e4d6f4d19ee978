package io.aicunet.ledger.domain;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The id of a transfer, chosen by the client (its idempotency key); unique within its tenant. */
public record TransferId(UUID value) {

    public TransferId {
        Objects.requireNonNull(value, "value");
    }

    public static TransferId random() {
        return new TransferId(UUID.randomUUID());
    }

    /** The id written as text, or empty when the text is not a UUID. */
    public static Optional<TransferId> parse(String text) {
        return Uuids.parse(text).map(TransferId::new);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
