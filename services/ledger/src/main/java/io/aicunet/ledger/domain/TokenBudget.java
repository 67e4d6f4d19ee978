package io.aicunet.ledger.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's daily token budget as a batch sees it while it holds the lock of the
 * budget account: the only account whose debits count, the tokens the tenant may
 * reserve and use per UTC day, and the days read after the lock.
 *
 * <p>Every day from {@code firstDayRead} on was read (a day without a row had nothing
 * reserved or used), and so were {@code pastDaysRead}: the days of the reservations
 * the batch settles, as found before the lock. A reservation committed by another
 * batch after that read is on a day the batch may not know; the batch treats it as
 * not committed yet, as it does for any pending transfer whose accounts it did not lock.
 *
 * @param quotaKnown whether {@code tokensPerDay} is the tenant service's quota (false:
 *                   the ledger's setting for tenants it has not heard of)
 */
public record TokenBudget(AccountId account, long tokensPerDay, boolean quotaKnown, LocalDate firstDayRead,
                          Set<LocalDate> pastDaysRead, Map<LocalDate, TokenDay> days) {

    public TokenBudget {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(firstDayRead, "firstDayRead");
        pastDaysRead = Set.copyOf(Objects.requireNonNull(pastDaysRead, "pastDaysRead"));
        days = Map.copyOf(Objects.requireNonNull(days, "days"));
        if (tokensPerDay < 0) {
            throw new IllegalArgumentException("a token budget is never negative, not " + tokensPerDay);
        }
        days.forEach((day, use) -> {
            if (!day.equals(use.day()) || use.reserved() < 0 || use.used() < 0) {
                throw new IllegalArgumentException("day " + day + " holds " + use);
            }
        });
    }

    /** The UTC day a debit recorded at {@code timestamp} counts on. */
    public static LocalDate dayOf(Instant timestamp) {
        return LocalDate.ofInstant(timestamp, ZoneOffset.UTC);
    }

    /** The day as read, or empty when the batch did not read it. */
    Optional<TokenDay> read(LocalDate day) {
        if (day.isBefore(firstDayRead) && !pastDaysRead.contains(day)) {
            return Optional.empty();
        }
        return Optional.of(days.getOrDefault(day, TokenDay.empty(day)));
    }
}
