package io.aicunet.ledger.application.contract;

import com.google.protobuf.Timestamp;
import io.aicunet.contracts.ledger.v1.TransferKind;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.Balances;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.platform.problem.InputChecks;
import java.time.Instant;
import java.util.Locale;

/** Accounts and transfers as the contracts spell them, for the gRPC edge and for event payloads. */
public final class LedgerProtos {

    private LedgerProtos() {
    }

    public static io.aicunet.contracts.ledger.v1.Account toProto(Account account) {
        return io.aicunet.contracts.ledger.v1.Account.newBuilder()
                .setId(account.id().toString())
                .setTenantId(account.tenant().toString())
                .setCode(account.code())
                .setUnit(account.unit())
                .setDebitsMustNotExceedCredits(account.debitsMustNotExceedCredits())
                .setCreditsMustNotExceedDebits(account.creditsMustNotExceedDebits())
                .setClosed(account.closed())
                .setBalances(toProto(account.balances()))
                .setCreatedAt(timestamp(account.createdAt()))
                .setSubjectId(account.subjectId().orElse(""))
                .build();
    }

    public static io.aicunet.contracts.ledger.v1.Balances toProto(Balances balances) {
        return io.aicunet.contracts.ledger.v1.Balances.newBuilder()
                .setDebitsPosted(balances.debitsPosted())
                .setCreditsPosted(balances.creditsPosted())
                .setDebitsPending(balances.debitsPending())
                .setCreditsPending(balances.creditsPending())
                .build();
    }

    /** A transfer for its readers: with its personal metadata, which must have been opened. */
    public static io.aicunet.contracts.ledger.v1.Transfer toProto(Transfer transfer) {
        return toProto(transfer, true);
    }

    /** A transfer, with its (opened) personal metadata or, for events, without. */
    public static io.aicunet.contracts.ledger.v1.Transfer toProto(Transfer transfer, boolean withPersonalMetadata) {
        io.aicunet.contracts.ledger.v1.Transfer.Builder proto = io.aicunet.contracts.ledger.v1.Transfer.newBuilder()
                .setId(transfer.id().toString())
                .setTenantId(transfer.tenant().toString())
                .setDebitAccountId(transfer.debitAccount().toString())
                .setCreditAccountId(transfer.creditAccount().toString())
                .setAmount(transfer.amount())
                .setKind(TransferKind.valueOf("TRANSFER_KIND_" + transfer.kind().name()))
                .setLinked(transfer.linked())
                .setTimeoutSeconds(transfer.timeoutSeconds())
                .setCode(transfer.code())
                .putAllMetadata(transfer.metadata())
                .setUnit(transfer.unit())
                .setTimestamp(timestamp(transfer.timestamp()));
        transfer.pendingId().ifPresent(id -> proto.setPendingId(id.toString()));
        transfer.expiresAt().ifPresent(at -> proto.setExpiresAt(timestamp(at)));
        if (withPersonalMetadata) {
            proto.putAllPersonalMetadata(transfer.personalMetadata().entries());
        }
        return proto.build();
    }

    public static TransferOutcome toProto(io.aicunet.ledger.domain.TransferOutcome outcome) {
        TransferOutcome.Builder proto = TransferOutcome.newBuilder()
                .setIndex(outcome.index())
                .setId(outcome.id())
                .setResult(TransferResult.valueOf("TRANSFER_RESULT_" + outcome.result().name()))
                .setReplayed(outcome.replayed())
                .setField(outcome.field())
                .setDetail(outcome.detail());
        outcome.transfer().ifPresent(transfer -> proto.setTransfer(toProto(transfer)));
        return proto.build();
    }

    /**
     * The wire name of a proto kind ({@code post_pending}); null when unspecified, and
     * a name no kind has when the number is unknown to this version, so it is refused.
     */
    public static String wireName(TransferKind kind) {
        if (kind == TransferKind.TRANSFER_KIND_UNSPECIFIED) {
            return null;
        }
        if (kind == TransferKind.UNRECOGNIZED) {
            return "unrecognized";
        }
        return kind.name().substring("TRANSFER_KIND_".length()).toLowerCase(Locale.ROOT);
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** A request's timestamp, never throwing: one out of range is refused where it is validated (InputChecks). */
    public static Instant instant(Timestamp timestamp) {
        return InputChecks.instantOf(timestamp.getSeconds(), timestamp.getNanos());
    }
}
