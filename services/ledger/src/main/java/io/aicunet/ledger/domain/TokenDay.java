package io.aicunet.ledger.domain;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One UTC day of a tenant's token budget: the tokens its open reservations hold and
 * the tokens posted, both counted on the day of the debit (a reservation's post and
 * release count on the reservation's day). Also used for a change to a day: then the
 * numbers are what to add, and may be negative.
 */
public record TokenDay(LocalDate day, long reserved, long used) {

    public TokenDay {
        Objects.requireNonNull(day, "day");
    }

    /** A day nothing was reserved or used on. */
    public static TokenDay empty(LocalDate day) {
        return new TokenDay(day, 0, 0);
    }

    /** Reserved and used together, saturating at 2^63-1. */
    public long committed() {
        long sum = reserved + used;
        return ((reserved ^ sum) & (used ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    TokenDay reserve(long tokens) {
        return new TokenDay(day, Math.addExact(reserved, tokens), used);
    }

    TokenDay use(long tokens) {
        return new TokenDay(day, reserved, Math.addExact(used, tokens));
    }

    /**
     * Releases a reservation of {@code tokens}, of which {@code posted} were used. A
     * reservation the day does not hold (made before this account was the budget
     * account) releases only what the day holds, so a day never goes negative.
     */
    TokenDay settle(long tokens, long posted) {
        return new TokenDay(day, reserved - Math.min(reserved, tokens), Math.addExact(used, posted));
    }

    /** What to add to {@code before} to get this day. */
    TokenDay minus(TokenDay before) {
        return new TokenDay(day, reserved - before.reserved, used - before.used);
    }

    boolean isZero() {
        return reserved == 0 && used == 0;
    }
}
