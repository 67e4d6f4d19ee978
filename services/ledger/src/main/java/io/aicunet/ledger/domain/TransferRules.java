package io.aicunet.ledger.domain;

import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.problem.RequestDigest;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/** What makes one transfer of a batch well-formed, before any account is looked at. */
public final class TransferRules {

    /** The longest a pending transfer may reserve: 31 days, so timeouts stay a bounded queue. */
    public static final int TIMEOUT_SECONDS_MAX = 31 * 24 * 3600;
    public static final int METADATA_ENTRIES_MAX = 16;
    public static final int METADATA_KEY_LENGTH_MAX = 64;
    public static final int METADATA_VALUE_LENGTH_MAX = 256;

    private static final BigInteger AMOUNT_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private TransferRules() {
    }

    public static CheckedTransfer check(TransferDraft draft) {
        Optional<TransferId> id = TransferId.parse(draft.id());
        if (id.isEmpty()) {
            return malformed(draft, "id", "must be a UUID other than the nil UUID");
        }
        TransferKind kind = TransferKind.POSTED;
        if (draft.kind() != null) {
            Optional<TransferKind> named = TransferKind.fromWireName(draft.kind());
            if (named.isEmpty() || named.get() == TransferKind.EXPIRE_PENDING) {
                return malformed(draft, "kind", "must be one of posted, pending, post_pending, void_pending"
                        + (named.isPresent() ? " (expire_pending is written by the ledger only)" : ""));
            }
            kind = named.get();
        }
        BigInteger amount = draft.amount() == null ? BigInteger.ZERO : draft.amount();
        if (amount.signum() < 0 || amount.compareTo(AMOUNT_MAX) > 0
                || (amount.signum() == 0 && !kind.settlesPending())) {
            return malformed(draft, "amount", kind.settlesPending()
                    ? "must be 0 (the whole pending amount) to 9223372036854775807"
                    : "must be 1 to 9223372036854775807 minor units");
        }
        if (!absentOrAccountId(draft.debitAccountId())) {
            return malformed(draft, "debit_account_id", "must be a UUID other than the nil UUID");
        }
        if (!absentOrAccountId(draft.creditAccountId())) {
            return malformed(draft, "credit_account_id", "must be a UUID other than the nil UUID");
        }
        Optional<AccountId> debit = AccountId.parse(draft.debitAccountId());
        Optional<AccountId> credit = AccountId.parse(draft.creditAccountId());
        Optional<TransferId> pendingId = Optional.empty();
        if (kind.settlesPending()) {
            pendingId = TransferId.parse(draft.pendingId());
            if (pendingId.isEmpty()) {
                return malformed(draft, "pending_id", "must be the UUID of the pending transfer to "
                        + (kind == TransferKind.POST_PENDING ? "post" : "void"));
            }
            if (pendingId.get().equals(id.get())) {
                return malformed(draft, "pending_id", "must differ from the transfer's own id");
            }
        } else {
            if (draft.pendingId() != null && !draft.pendingId().isEmpty()) {
                return malformed(draft, "pending_id", "must be empty unless the kind is post_pending or void_pending");
            }
            if (debit.isEmpty()) {
                return malformed(draft, "debit_account_id", "is required");
            }
            if (credit.isEmpty()) {
                return malformed(draft, "credit_account_id", "is required");
            }
        }
        if (debit.isPresent() && debit.equals(credit)) {
            return new CheckedTransfer.Malformed(draft.id(), draft.linked(), TransferResult.ACCOUNTS_MUST_BE_DIFFERENT,
                    "credit_account_id", "debit and credit account must be different accounts");
        }
        if (draft.timeoutSeconds() != 0 && kind != TransferKind.PENDING) {
            return malformed(draft, "timeout_seconds", "must be 0 unless the kind is pending");
        }
        if (draft.timeoutSeconds() < 0 || draft.timeoutSeconds() > TIMEOUT_SECONDS_MAX) {
            return malformed(draft, "timeout_seconds", "must be 0 (no timeout) to " + TIMEOUT_SECONDS_MAX);
        }
        String code = draft.code() == null ? "" : draft.code();
        if (!(code.isEmpty() && kind.settlesPending()) && !AccountRules.CODE.matcher(code).matches()) {
            return malformed(draft, "code", kind.settlesPending()
                    ? "must be empty (the pending transfer's code) or 1 to 64 characters of a-z, 0-9 and ._-"
                    : "must be 1 to 64 characters of lower-case letters, digits and ._-");
        }
        Map<String, String> metadata = draft.metadata() == null ? Map.of() : draft.metadata();
        String metadataProblem = metadataProblem(metadata);
        if (metadataProblem != null) {
            return malformed(draft, "metadata", metadataProblem);
        }
        Map<String, String> personalMetadata = draft.personalMetadata() == null ? Map.of() : draft.personalMetadata();
        String personalMetadataProblem = metadataProblem(personalMetadata);
        if (personalMetadataProblem != null) {
            return malformed(draft, "personal_metadata", personalMetadataProblem);
        }
        long checkedAmount = amount.longValueExact();
        return new CheckedTransfer.WellFormed(new TransferRequest(id.get(), kind, draft.linked(), debit, credit,
                checkedAmount, pendingId, (int) draft.timeoutSeconds(), code, metadata,
                new PersonalMetadata.Plain(personalMetadata),
                digest(id.get(), kind, draft.linked(), debit, credit, checkedAmount, pendingId,
                        (int) draft.timeoutSeconds(), code, metadata)));
    }

    /**
     * The digest of the request's meaning, so the same transfer sent in any spelling
     * matches. Personal metadata is left out on purpose: the digest outlives erasure, and
     * a hash of personal data would let anyone holding the row confirm a guess of it.
     */
    static RequestDigest digest(TransferId id, TransferKind kind, boolean linked, Optional<AccountId> debit,
                                Optional<AccountId> credit, long amount, Optional<TransferId> pendingId,
                                int timeoutSeconds, String code, Map<String, String> metadata) {
        return RequestDigest.builder()
                .uuid(id.value())
                .text(kind.wireName())
                .flag(linked)
                .uuid(debit.map(AccountId::value))
                .uuid(credit.map(AccountId::value))
                .number(amount)
                .uuid(pendingId.map(TransferId::value))
                .number(timeoutSeconds)
                .text(code)
                .textMap(metadata)
                .build();
    }

    /** Empty text means "not given"; anything else must be an account id. */
    private static boolean absentOrAccountId(String text) {
        return text == null || text.isEmpty() || AccountId.parse(text).isPresent();
    }

    private static String metadataProblem(Map<String, String> metadata) {
        if (metadata.size() > METADATA_ENTRIES_MAX) {
            return "has at most " + METADATA_ENTRIES_MAX + " entries";
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            String key = entry.getKey();
            if (key == null || key.isEmpty() || InputChecks.textProblem(key, METADATA_KEY_LENGTH_MAX) != null) {
                return "keys are 1 to " + METADATA_KEY_LENGTH_MAX + " characters without control characters";
            }
            String value = entry.getValue();
            if (value == null || value.length() > METADATA_VALUE_LENGTH_MAX) {
                return "value of '" + key + "' must be at most " + METADATA_VALUE_LENGTH_MAX + " characters";
            }
            String characters = InputChecks.charactersProblem(value, true);
            if (characters != null) {
                return "value of '" + key + "' " + characters;
            }
        }
        return null;
    }

    private static CheckedTransfer malformed(TransferDraft draft, String field, String detail) {
        return new CheckedTransfer.Malformed(draft.id(), draft.linked(), TransferResult.INVALID_FIELD, field, detail);
    }
}
