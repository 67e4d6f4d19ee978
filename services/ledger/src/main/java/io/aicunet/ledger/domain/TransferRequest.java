package io.aicunet.ledger.domain;

import io.aicunet.platform.problem.RequestDigest;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A well-formed transfer request. For posted and pending transfers both accounts are
 * present and the amount is positive; for post and void the pending id is present and
 * the accounts, amount (0: all) and code may be left to the pending transfer.
 */
public record TransferRequest(
        TransferId id,
        TransferKind kind,
        boolean linked,
        Optional<AccountId> debitAccount,
        Optional<AccountId> creditAccount,
        long amount,
        Optional<TransferId> pendingId,
        int timeoutSeconds,
        String code,
        Map<String, String> metadata,
        PersonalMetadata.Plain personalMetadata,
        RequestDigest digest) {

    public TransferRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(debitAccount, "debitAccount");
        Objects.requireNonNull(creditAccount, "creditAccount");
        Objects.requireNonNull(pendingId, "pendingId");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(digest, "digest");
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        Objects.requireNonNull(personalMetadata, "personalMetadata");
        if (amount < 0) {
            throw new IllegalArgumentException("amount is never negative");
        }
        if (kind.settlesPending() != pendingId.isPresent()) {
            throw new IllegalArgumentException(kind + " with pending id " + pendingId);
        }
    }

    /** The ledger's own request to expire a pending transfer whose timeout passed. */
    public static TransferRequest expiry(TransferId pendingId) {
        TransferId id = TransferId.random();
        return new TransferRequest(id, TransferKind.EXPIRE_PENDING, false, Optional.empty(), Optional.empty(), 0,
                Optional.of(pendingId), 0, "", Map.of(), PersonalMetadata.NONE,
                RequestDigest.builder().uuid(id.value()).text(TransferKind.EXPIRE_PENDING.wireName())
                        .uuid(pendingId.value()).build());
    }
}
