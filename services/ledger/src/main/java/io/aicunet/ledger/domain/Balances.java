package io.aicunet.ledger.domain;

import java.util.Optional;

/**
 * An account's four balances in minor units of its unit: what was posted, and what
 * pending transfers reserve. Never negative; arithmetic that would overflow 64 bits
 * reports it instead of wrapping.
 */
public record Balances(long debitsPosted, long creditsPosted, long debitsPending, long creditsPending) {

    public static final Balances ZERO = new Balances(0, 0, 0, 0);

    public Balances {
        if (debitsPosted < 0 || creditsPosted < 0 || debitsPending < 0 || creditsPending < 0) {
            throw new IllegalArgumentException("balances are never negative: " + debitsPosted + "/" + creditsPosted
                    + "/" + debitsPending + "/" + creditsPending);
        }
    }

    /**
     * These balances with the given changes, or empty when a balance would pass
     * 2^63-1. A balance that would go negative is a bug (a release of more than was
     * reserved) and fails loudly.
     */
    Optional<Balances> plus(long debitsPostedChange, long creditsPostedChange, long debitsPendingChange,
                            long creditsPendingChange) {
        long dp;
        long cp;
        long dq;
        long cq;
        try {
            dp = Math.addExact(debitsPosted, debitsPostedChange);
            cp = Math.addExact(creditsPosted, creditsPostedChange);
            dq = Math.addExact(debitsPending, debitsPendingChange);
            cq = Math.addExact(creditsPending, creditsPendingChange);
        } catch (ArithmeticException overflow) {
            return Optional.empty();
        }
        if (dp < 0 || cp < 0 || dq < 0 || cq < 0) {
            throw new IllegalStateException("a balance would go negative: " + this + " changed by "
                    + debitsPostedChange + "/" + creditsPostedChange + "/" + debitsPendingChange + "/"
                    + creditsPendingChange);
        }
        return Optional.of(new Balances(dp, cp, dq, cq));
    }

    /** Whether posted and pending debits together exceed posted credits (the overdraft test). */
    boolean debitsExceedCredits() {
        return exceeds(debitsPosted, debitsPending, creditsPosted);
    }

    /** Whether posted and pending credits together exceed posted debits. */
    boolean creditsExceedDebits() {
        return exceeds(creditsPosted, creditsPending, debitsPosted);
    }

    /** {@code a + b > limit}, without overflowing: a and b are each at most 2^63-1. */
    private static boolean exceeds(long a, long b, long limit) {
        return a > limit || b > limit - a;
    }
}
