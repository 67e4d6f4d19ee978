package io.aicunet.ledger.domain;

import java.util.Optional;
import java.util.UUID;

/** Reading and ordering the UUIDs that identify accounts and transfers. */
final class Uuids {

    /** The nil UUID: never a valid id, as in TigerBeetle where id 0 is reserved. */
    static final UUID NIL = new UUID(0, 0);

    private Uuids() {
    }

    /** The UUID in canonical 36-character form, or empty (also for the nil UUID). */
    static Optional<UUID> parse(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        try {
            UUID value = UUID.fromString(text);
            return NIL.equals(value) ? Optional.empty() : Optional.of(value);
        } catch (IllegalArgumentException notUuid) {
            return Optional.empty();
        }
    }

    /** PostgreSQL's uuid order: the 16 bytes compared as unsigned, most significant first. */
    static int compareUnsigned(UUID left, UUID right) {
        int high = Long.compareUnsigned(left.getMostSignificantBits(), right.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(left.getLeastSignificantBits(), right.getLeastSignificantBits());
    }
}
