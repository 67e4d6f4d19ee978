package io.aicunet.ledger.application;

import io.aicunet.ledger.domain.TransferDraft;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What callers ask of the ledger, as the gRPC and REST edges hand it over: raw
 * values, not yet validated. {@code tenantId} empty means the caller's own tenant.
 */
public final class LedgerCommands {

    private LedgerCommands() {
    }

    /** {@code subjectId} empty or null: the account belongs to no data subject. */
    public record CreateAccountCommand(String tenantId, String accountId, String code, String unit,
                                       boolean debitsMustNotExceedCredits, boolean creditsMustNotExceedDebits,
                                       String subjectId) {
    }

    public record AccountQuery(String tenantId, String accountId) {
    }

    public record BalanceQuery(String tenantId, String accountId, Optional<Instant> asOf) {
    }

    public record StatementQuery(String tenantId, String accountId, int pageSize, String pageToken) {
    }

    public record CreateTransfersCommand(String tenantId, List<TransferDraft> transfers) {
    }

    public record TransferQuery(String tenantId, String transferId) {
    }

    /** A FinOps report over [from, to] (UTC days); {@code tenantId} empty at platform scope means every tenant. */
    public record ReportQuery(String tenantId, Optional<LocalDate> from, Optional<LocalDate> to) {
    }
}
