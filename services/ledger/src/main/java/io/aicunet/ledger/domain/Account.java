package io.aicunet.ledger.domain;

import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A double-entry account of one tenant: what it is for (code), the unit of every
 * amount on it, its balance limits, and its balances.
 *
 * @param lastTransferAt the timestamp of the newest transfer that touched the account;
 *                       the next one gets a later timestamp, so timestamps are strictly
 *                       increasing per account whatever the replicas' clocks say
 * @param subjectId      the data subject (person) the account belongs to, if any:
 *                       personal data, emptied by erasure
 */
public record Account(
        AccountId id,
        TenantId tenant,
        String code,
        String unit,
        boolean debitsMustNotExceedCredits,
        boolean creditsMustNotExceedDebits,
        boolean closed,
        Balances balances,
        Instant createdAt,
        Optional<Instant> lastTransferAt,
        Optional<String> subjectId) {

    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(balances, "balances");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastTransferAt, "lastTransferAt");
        Objects.requireNonNull(subjectId, "subjectId");
        if (debitsMustNotExceedCredits && creditsMustNotExceedDebits) {
            throw new IllegalArgumentException("an account limits debits or credits, not both");
        }
    }

    /** A new, open account with zero balances. */
    public static Account open(AccountId id, TenantId tenant, AccountSpec spec, Instant now) {
        return new Account(id, tenant, spec.code(), spec.unit(), spec.debitsMustNotExceedCredits(),
                spec.creditsMustNotExceedDebits(), false, Balances.ZERO, now, Optional.empty(), spec.subjectId());
    }

    /** What the client chose for this account: the body an idempotent retry must repeat. */
    public AccountSpec spec() {
        return new AccountSpec(code, unit, debitsMustNotExceedCredits, creditsMustNotExceedDebits, subjectId);
    }

    public Account close() {
        return new Account(id, tenant, code, unit, debitsMustNotExceedCredits, creditsMustNotExceedDebits, true,
                balances, createdAt, lastTransferAt, subjectId);
    }

    Account withBalances(Balances changed, Instant transferAt) {
        return new Account(id, tenant, code, unit, debitsMustNotExceedCredits, creditsMustNotExceedDebits, closed,
                changed, createdAt, Optional.of(transferAt), subjectId);
    }
}
