package io.aicunet.ledger.domain;

import java.math.BigInteger;
import java.util.Map;

/**
 * One transfer as a caller sent it, not yet checked: text ids, an amount that may be
 * out of range, the kind's wire name (null: posted). {@code null} maps mean none. {@link TransferRules} turns it
 * into a {@link TransferRequest} or says what is wrong.
 */
public record TransferDraft(
        String id,
        String debitAccountId,
        String creditAccountId,
        BigInteger amount,
        String pendingId,
        String kind,
        boolean linked,
        long timeoutSeconds,
        String code,
        Map<String, String> metadata,
        Map<String, String> personalMetadata) {

    /** A draft without personal metadata. */
    public TransferDraft(String id, String debitAccountId, String creditAccountId, BigInteger amount, String pendingId,
                         String kind, boolean linked, long timeoutSeconds, String code, Map<String, String> metadata) {
        this(id, debitAccountId, creditAccountId, amount, pendingId, kind, linked, timeoutSeconds, code, metadata,
                null);
    }
}
