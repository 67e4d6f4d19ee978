package io.aicunet.ledger.adapter.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aicunet.ledger.application.accounts.GetAccountBalance;
import io.aicunet.ledger.application.port.BalanceTotals;
import io.aicunet.ledger.application.port.CostReports;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.Balances;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferDraft;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.ledger.domain.TransferOutcome;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON bodies of the REST API, in snake_case like the gRPC contract. */
final class LedgerJson {

    private LedgerJson() {
    }

    record CreateAccountBody(
            @JsonProperty("tenant_id") String tenantId,
            String id,
            String code,
            String unit,
            @JsonProperty("debits_must_not_exceed_credits") boolean debitsMustNotExceedCredits,
            @JsonProperty("credits_must_not_exceed_debits") boolean creditsMustNotExceedDebits,
            @JsonProperty("subject_id") String subjectId) {
    }

    record BalancesBody(
            @JsonProperty("debits_posted") long debitsPosted,
            @JsonProperty("credits_posted") long creditsPosted,
            @JsonProperty("debits_pending") long debitsPending,
            @JsonProperty("credits_pending") long creditsPending) {

        static BalancesBody of(Balances balances) {
            return new BalancesBody(balances.debitsPosted(), balances.creditsPosted(), balances.debitsPending(),
                    balances.creditsPending());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AccountBody(
            String id,
            @JsonProperty("tenant_id") String tenantId,
            String code,
            String unit,
            @JsonProperty("debits_must_not_exceed_credits") boolean debitsMustNotExceedCredits,
            @JsonProperty("credits_must_not_exceed_debits") boolean creditsMustNotExceedDebits,
            boolean closed,
            BalancesBody balances,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("subject_id") String subjectId) {

        static AccountBody of(Account account) {
            return new AccountBody(account.id().toString(), account.tenant().toString(), account.code(),
                    account.unit(), account.debitsMustNotExceedCredits(), account.creditsMustNotExceedDebits(),
                    account.closed(), BalancesBody.of(account.balances()), account.createdAt(),
                    account.subjectId().orElse(null));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BalanceBody(
            @JsonProperty("account_id") String accountId,
            BalancesBody balances,
            @JsonProperty("last_transfer_at") Instant lastTransferAt) {

        static BalanceBody of(GetAccountBalance.BalanceAt balance) {
            return new BalanceBody(balance.account().toString(), BalancesBody.of(balance.balances()),
                    balance.lastTransferAt().orElse(null));
        }
    }

    /** The largest amount a transfer takes, and the first it does not. */
    private static final BigDecimal AMOUNT_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigInteger AMOUNT_BEYOND_MAX = BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE);

    /** One transfer as a caller sends it; amount is read exactly, so 2^63 and 1.5 are refused, not rounded. */
    record NewTransferBody(
            String id,
            @JsonProperty("debit_account_id") String debitAccountId,
            @JsonProperty("credit_account_id") String creditAccountId,
            BigDecimal amount,
            @JsonProperty("pending_id") String pendingId,
            String kind,
            boolean linked,
            @JsonProperty("timeout_seconds") long timeoutSeconds,
            String code,
            Map<String, String> metadata,
            @JsonProperty("personal_metadata") Map<String, String> personalMetadata) {

        TransferDraft toDraft() {
            return new TransferDraft(id, debitAccountId, creditAccountId, exactAmount(), pendingId, kind, linked,
                    timeoutSeconds, code, metadata, personalMetadata);
        }

        /**
         * The amount as an integer; a fraction or a negative amount becomes -1 and an amount beyond
         * 64 bits 2^63, which the rules refuse as out of range. Judged by comparing and by the scale
         * alone, before any integer is made: {@code 1e999999} and {@code 1e-999999} are short texts,
         * but making them integers (toBigIntegerExact) computes a power of ten of a million digits,
         * up to seconds of the request's thread; {@code 1e9999999} took 5.5 s, and the time grows
         * faster than the exponent, so {@code 1e400000000} would hold the thread for many minutes.
         */
        private BigInteger exactAmount() {
            if (amount == null) {
                return BigInteger.ZERO;
            }
            if (amount.compareTo(AMOUNT_MAX) > 0) {
                return AMOUNT_BEYOND_MAX;
            }
            if (amount.signum() < 0) {
                return BigInteger.ONE.negate();
            }
            BigDecimal integral = amount.stripTrailingZeros();
            // At most 2^63-1 with no fraction: a scale from -18 to 0, so the conversion is cheap.
            return integral.scale() > 0 ? BigInteger.ONE.negate() : integral.toBigIntegerExact();
        }
    }

    record CreateTransfersBody(@JsonProperty("tenant_id") String tenantId, List<NewTransferBody> transfers) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TransferBody(
            String id,
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("debit_account_id") String debitAccountId,
            @JsonProperty("credit_account_id") String creditAccountId,
            long amount,
            String unit,
            @JsonProperty("pending_id") String pendingId,
            String kind,
            boolean linked,
            @JsonProperty("timeout_seconds") int timeoutSeconds,
            @JsonProperty("expires_at") Instant expiresAt,
            String code,
            Map<String, String> metadata,
            @JsonProperty("personal_metadata") Map<String, String> personalMetadata,
            Instant timestamp) {

        static TransferBody of(Transfer transfer) {
            return new TransferBody(transfer.id().toString(), transfer.tenant().toString(),
                    transfer.debitAccount().toString(), transfer.creditAccount().toString(), transfer.amount(),
                    transfer.unit(), transfer.pendingId().map(TransferId::toString).orElse(null),
                    transfer.kind().wireName(), transfer.linked(), transfer.timeoutSeconds(),
                    transfer.expiresAt().orElse(null), transfer.code(), transfer.metadata(),
                    transfer.personalMetadata().entries(), transfer.timestamp());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record OutcomeBody(int index, String id, String result, boolean replayed, TransferBody transfer, String field,
                       String detail) {

        static OutcomeBody of(TransferOutcome outcome) {
            return new OutcomeBody(outcome.index(), outcome.id(), outcome.result().name().toLowerCase(Locale.ROOT),
                    outcome.replayed(), outcome.transfer().map(TransferBody::of).orElse(null), outcome.field(),
                    outcome.detail());
        }
    }

    record OutcomesBody(List<OutcomeBody> results) {
    }

    record TransferPageBody(List<TransferBody> transfers, @JsonProperty("next_page_token") String nextPageToken) {
    }

    record ImbalanceBody(
            @JsonProperty("tenant_id") String tenantId,
            String unit,
            @JsonProperty("debits_posted") BigInteger debitsPosted,
            @JsonProperty("credits_posted") BigInteger creditsPosted,
            @JsonProperty("debits_pending") BigInteger debitsPending,
            @JsonProperty("credits_pending") BigInteger creditsPending) {
    }

    record InvariantBody(boolean holds, long checked, List<ImbalanceBody> violations) {

        static InvariantBody of(BalanceTotals.Check check) {
            return new InvariantBody(check.holds(), check.checked(), check.imbalances().stream()
                    .map(i -> new ImbalanceBody(i.tenant().toString(), i.unit(), i.debitsPosted(), i.creditsPosted(),
                            i.debitsPending(), i.creditsPending()))
                    .toList());
        }
    }

    record TenantDayBody(@JsonProperty("tenant_id") String tenantId, LocalDate day, String unit, long transfers,
                         BigInteger amount) {
    }

    record AccountCodeDayBody(@JsonProperty("tenant_id") String tenantId, LocalDate day,
                              @JsonProperty("account_code") String accountCode, String unit, BigInteger debits,
                              BigInteger credits) {
    }

    record ReportBody<T>(List<T> rows, boolean truncated) {

        static ReportBody<TenantDayBody> ofTenantDays(CostReports.Rows<CostReports.TenantDay> report) {
            return new ReportBody<>(report.rows().stream().map(r -> new TenantDayBody(r.tenant().toString(), r.day(),
                    r.unit(), r.transfers(), r.amount())).toList(), report.truncated());
        }

        static ReportBody<AccountCodeDayBody> ofAccountCodeDays(
                CostReports.Rows<CostReports.AccountCodeDay> report) {
            return new ReportBody<>(report.rows().stream().map(r -> new AccountCodeDayBody(r.tenant().toString(),
                    r.day(), r.accountCode(), r.unit(), r.debits(), r.credits())).toList(), report.truncated());
        }
    }
}
