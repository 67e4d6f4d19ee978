package io.aicunet.ledger.domain;

import java.util.Optional;
import java.util.UUID;

/** Reading and ordering the UUIDs that identify accounts and transfers. */
final class Uuids {

    /** The nil UUID: never a valid id, as in TigerBeetle where id 0 is reserved. */
    static final UUID NIL = new UUID(0, 0);

    private Uuids() {
    }

    /**
     * The UUID in canonical 36-character form (hex digits of either case, dashes at 8, 13,
     * 18 and 23), or empty (also for the nil UUID). Checked here because
     * {@link UUID#fromString} also takes other texts of that length, reading
     * {@code 123e4567e-89b-42d3-a456-426614174000} as another id than it looks.
     */
    static Optional<UUID> parse(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0 || c > 'f') {
                return Optional.empty();
            }
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
