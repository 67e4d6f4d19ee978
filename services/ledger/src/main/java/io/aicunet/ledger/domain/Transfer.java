package io.aicunet.ledger.domain;

import io.aicunet.platform.problem.RequestDigest;
import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A transfer as the ledger recorded it; never changed afterwards. It carries the
 * balances both accounts had right after it, so the balance of an account at any
 * past time is the one its last transfer before that time left.
 */
public record Transfer(
        TransferId id,
        TenantId tenant,
        AccountId debitAccount,
        AccountId creditAccount,
        long amount,
        String unit,
        Optional<TransferId> pendingId,
        TransferKind kind,
        boolean linked,
        int timeoutSeconds,
        Optional<Instant> expiresAt,
        String code,
        Map<String, String> metadata,
        PersonalMetadata personalMetadata,
        Instant timestamp,
        RequestDigest digest,
        Balances debitBalancesAfter,
        Balances creditBalancesAfter) {

    public Transfer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(debitAccount, "debitAccount");
        Objects.requireNonNull(creditAccount, "creditAccount");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(pendingId, "pendingId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(personalMetadata, "personalMetadata");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(debitBalancesAfter, "debitBalancesAfter");
        Objects.requireNonNull(creditBalancesAfter, "creditBalancesAfter");
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        // The double-entry invariant of one transfer: one amount, debited once and credited once.
        if (amount <= 0) {
            throw new IllegalArgumentException("a recorded transfer moves a positive amount, not " + amount);
        }
        if (debitAccount.equals(creditAccount)) {
            throw new IllegalArgumentException("a transfer moves between two different accounts");
        }
    }

    /** The same transfer with its personal metadata in another form (sealed for storage, opened for reading). */
    public Transfer withPersonalMetadata(PersonalMetadata changed) {
        return new Transfer(id, tenant, debitAccount, creditAccount, amount, unit, pendingId, kind, linked,
                timeoutSeconds, expiresAt, code, metadata, changed, timestamp, digest, debitBalancesAfter,
                creditBalancesAfter);
    }

    /** The balances this transfer left on {@code account}, one of its two accounts. */
    public Balances balancesAfter(AccountId account) {
        if (account.equals(debitAccount)) {
            return debitBalancesAfter;
        }
        if (account.equals(creditAccount)) {
            return creditBalancesAfter;
        }
        throw new IllegalArgumentException("transfer " + id + " does not touch account " + account);
    }
}
