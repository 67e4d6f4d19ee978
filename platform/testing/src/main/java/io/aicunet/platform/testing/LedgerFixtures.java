package io.aicunet.platform.testing;

import io.aicunet.contracts.ledger.v1.CreateAccountRequest;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferKind;
import java.util.UUID;

/** Named builders of ledger-service requests, each with fresh ids so tests never collide. */
public final class LedgerFixtures {

    private LedgerFixtures() {
    }

    /** A new account counting {@code unit}, with code {@code test}, no limits. */
    public static CreateAccountRequest.Builder anAccount(String unit) {
        return CreateAccountRequest.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setCode("test")
                .setUnit(unit);
    }

    /** A new account that may not have more debits than credits: a balance that cannot go negative. */
    public static CreateAccountRequest.Builder aBudgetAccount(String unit) {
        return anAccount(unit).setCode("budget").setDebitsMustNotExceedCredits(true);
    }

    /** A single-phase transfer of {@code amount} from {@code debitAccountId} to {@code creditAccountId}. */
    public static NewTransfer.Builder aTransfer(String debitAccountId, String creditAccountId, long amount) {
        return NewTransfer.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setDebitAccountId(debitAccountId)
                .setCreditAccountId(creditAccountId)
                .setAmount(amount)
                .setKind(TransferKind.TRANSFER_KIND_POSTED)
                .setCode("test.usage");
    }

    /** A pending transfer reserving {@code amount}, with the given timeout (0: none). */
    public static NewTransfer.Builder aPendingTransfer(String debitAccountId, String creditAccountId, long amount,
                                                       int timeoutSeconds) {
        return aTransfer(debitAccountId, creditAccountId, amount)
                .setKind(TransferKind.TRANSFER_KIND_PENDING)
                .setTimeoutSeconds(timeoutSeconds);
    }

    /** Posts {@code amount} (0: all) of the pending transfer {@code pendingId}. */
    public static NewTransfer.Builder aPost(String pendingId, long amount) {
        return NewTransfer.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setPendingId(pendingId)
                .setAmount(amount)
                .setKind(TransferKind.TRANSFER_KIND_POST_PENDING);
    }

    /** Voids the pending transfer {@code pendingId}. */
    public static NewTransfer.Builder aVoid(String pendingId) {
        return NewTransfer.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setPendingId(pendingId)
                .setKind(TransferKind.TRANSFER_KIND_VOID_PENDING);
    }
}
