package io.aicunet.ledger.adapter.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aicunet.ledger.application.accounts.GetAccountBalance;
import io.aicunet.ledger.application.port.BalanceTotals;
import io.aicunet.ledger.application.port.CostReports;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountRules;
import io.aicunet.ledger.domain.Balances;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferBatch;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * The JSON bodies of the REST API, in snake_case like the gRPC contract. Their
 * {@code @Schema}s are the OpenAPI document's (issue 14): a request body refuses
 * properties it does not have (StrictJson) and says exactly the limits the use cases
 * enforce with a 400; a response body marks what it always holds as required.
 */
final class LedgerJson {

    /** A UUID in its canonical 36-character form, as {@code Uuids} and {@code TenantId} read it. */
    static final String UUID_PATTERN =
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    /** A tenant named by a request: a UUID, or empty (absent) for the caller's own tenant. */
    static final String TENANT_ID_PATTERN =
            "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$";
    static final String TENANT_ID_DESCRIPTION = "The tenant whose ledger this is; empty or absent: the tenant"
            + " the caller acts for (the token's, or the `x-aicunet-tenant` header's). A caller at platform"
            + " scope must name one.";
    /** AccountRules.CODE. */
    static final String CODE_PATTERN = "^[a-z0-9][a-z0-9._-]{0,63}$";
    /** AccountRules.UNIT. */
    static final String UNIT_PATTERN = "^[A-Z][A-Z0-9_]{0,31}$";
    /**
     * AccountRules.checkSubject: empty, or no control character (C0, DEL, C1) and at least
     * one character that is not a blank (Java's Character.isWhitespace outside the controls).
     */
    static final String SUBJECT_ID_PATTERN = "^([^\\u0000-\\u001F\\u007F-\\u009F]*"
            + "[^\\u0000-\\u0020\\u007F-\\u009F\\u1680\\u2000-\\u2006\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000]"
            + "[^\\u0000-\\u001F\\u007F-\\u009F]*)?$";
    static final String INT64_MIN = "-9223372036854775808";
    static final String INT64_MAX = "9223372036854775807";

    private LedgerJson() {
    }

    @Schema(name = "CreateAccount", description = "An account to open. Idempotent by id.",
            additionalProperties = Schema.False.class, requiredProperties = {"id", "code", "unit"},
            not = BothBalanceLimits.class)
    record CreateAccountBody(
            @Schema(description = TENANT_ID_DESCRIPTION, pattern = TENANT_ID_PATTERN)
            @JsonProperty("tenant_id") String tenantId,
            @Schema(description = "The account's id, chosen by the client: a UUID other than the nil UUID.",
                    format = "uuid", pattern = UUID_PATTERN)
            String id,
            @Schema(description = "What the account is for, e.g. `budget`.", pattern = CODE_PATTERN,
                    minLength = 1, maxLength = 64)
            String code,
            @Schema(description = "The unit its amounts count, e.g. `CREDIT`, `EUR_CENT`.", pattern = UNIT_PATTERN,
                    minLength = 1, maxLength = 32)
            String unit,
            @Schema(description = "Its debits may not exceed its credits: a balance that cannot go negative."
                    + " Not together with credits_must_not_exceed_debits.")
            @JsonProperty("debits_must_not_exceed_credits") boolean debitsMustNotExceedCredits,
            @Schema(description = "Its credits may not exceed its debits. Not together with"
                    + " debits_must_not_exceed_credits.")
            @JsonProperty("credits_must_not_exceed_debits") boolean creditsMustNotExceedDebits,
            @Schema(description = "The data subject the account belongs to (personal data; the tenant must have"
                    + " a data key): up to 256 characters without control characters, not only blanks. Empty or"
                    + " absent: none.", maxLength = AccountRules.SUBJECT_ID_LENGTH_MAX,
                    pattern = SUBJECT_ID_PATTERN)
            @JsonProperty("subject_id") String subjectId) {
    }

    /** Both balance limits at once, which CreateAccount refuses (AccountRules.checkFlags): the body's {@code not}. */
    @Schema(name = "BothBalanceLimits", description = "Both balance limits set: refused.",
            requiredProperties = {"debits_must_not_exceed_credits", "credits_must_not_exceed_debits"},
            properties = {
                @SchemaProperty(name = "debits_must_not_exceed_credits", type = SchemaType.BOOLEAN,
                        constValue = "true"),
                @SchemaProperty(name = "credits_must_not_exceed_debits", type = SchemaType.BOOLEAN,
                        constValue = "true")})
    static final class BothBalanceLimits {

        private BothBalanceLimits() {
        }
    }

    @Schema(name = "Balances", description = "An account's balances in minor units of its unit.",
            requiredProperties = {"debits_posted", "credits_posted", "debits_pending", "credits_pending"})
    record BalancesBody(
            @Schema(minimum = "0") @JsonProperty("debits_posted") long debitsPosted,
            @Schema(minimum = "0") @JsonProperty("credits_posted") long creditsPosted,
            @Schema(minimum = "0") @JsonProperty("debits_pending") long debitsPending,
            @Schema(minimum = "0") @JsonProperty("credits_pending") long creditsPending) {

        static BalancesBody of(Balances balances) {
            return new BalancesBody(balances.debitsPosted(), balances.creditsPosted(), balances.debitsPending(),
                    balances.creditsPending());
        }
    }

    @Schema(name = "Account", description = "An account with its current balances.",
            requiredProperties = {"id", "tenant_id", "code", "unit", "debits_must_not_exceed_credits",
                "credits_must_not_exceed_debits", "closed", "balances", "created_at"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AccountBody(
            @Schema(format = "uuid") String id,
            @Schema(format = "uuid") @JsonProperty("tenant_id") String tenantId,
            @Schema(pattern = CODE_PATTERN) String code,
            @Schema(pattern = UNIT_PATTERN) String unit,
            @JsonProperty("debits_must_not_exceed_credits") boolean debitsMustNotExceedCredits,
            @JsonProperty("credits_must_not_exceed_debits") boolean creditsMustNotExceedDebits,
            @Schema(description = "Closed: it takes no new transfers.") boolean closed,
            BalancesBody balances,
            @Schema(format = "date-time") @JsonProperty("created_at") Instant createdAt,
            @Schema(description = "The data subject it belongs to; absent: none.")
            @JsonProperty("subject_id") String subjectId) {

        static AccountBody of(Account account) {
            return new AccountBody(account.id().toString(), account.tenant().toString(), account.code(),
                    account.unit(), account.debitsMustNotExceedCredits(), account.creditsMustNotExceedDebits(),
                    account.closed(), BalancesBody.of(account.balances()), account.createdAt(),
                    account.subjectId().orElse(null));
        }
    }

    @Schema(name = "AccountBalance", description = "An account's balances at a time.",
            requiredProperties = {"account_id", "balances"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BalanceBody(
            @Schema(format = "uuid") @JsonProperty("account_id") String accountId,
            BalancesBody balances,
            @Schema(format = "date-time", description = "When the transfer that left these balances happened;"
                    + " absent: no transfer by then.")
            @JsonProperty("last_transfer_at") Instant lastTransferAt) {

        static BalanceBody of(GetAccountBalance.BalanceAt balance) {
            return new BalanceBody(balance.account().toString(), BalancesBody.of(balance.balances()),
                    balance.lastTransferAt().orElse(null));
        }
    }

    /** The largest amount a transfer takes, and the first it does not. */
    private static final BigDecimal AMOUNT_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigInteger AMOUNT_BEYOND_MAX = BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE);

    /**
     * One transfer as a caller sends it; amount is read exactly, so 2^63 and 1.5 are refused, not rounded.
     * Its fields are judged per transfer (TransferRules): a transfer that breaks a rule gets its own
     * result ({@code invalid_field}, naming the field) in the 200 answer, like the gRPC CreateTransfers,
     * and fails the linked chain it is in; the request is not refused. So the schema states only what
     * refuses the whole request with a 400 (a property the body does not have, a value of another JSON
     * type, {@code null}); each field's description states the rule it is judged by.
     */
    @Schema(name = "NewTransfer", additionalProperties = Schema.False.class,
            description = "One transfer of a batch. Every field is checked per transfer: one that breaks the rule"
                    + " its description states gets the result `invalid_field` (or the rule's own, such as"
                    + " `accounts_must_be_different`) in the 200 answer, and fails its linked chain.")
    record NewTransferBody(
            @Schema(description = "The transfer's id and idempotency key: a UUID other than the nil UUID.")
            String id,
            @Schema(description = "The account debited: a UUID; required unless kind is post_pending or"
                    + " void_pending (then empty or the pending transfer's).")
            @JsonProperty("debit_account_id") String debitAccountId,
            @Schema(description = "The account credited: a UUID other than debit_account_id; required unless kind"
                    + " is post_pending or void_pending (then empty or the pending transfer's).")
            @JsonProperty("credit_account_id") String creditAccountId,
            @Schema(description = "An integer number of minor units, 1 to 9223372036854775807; for post_pending"
                    + " and void_pending 0 means the whole pending amount.")
            BigDecimal amount,
            @Schema(description = "For post_pending and void_pending: the UUID of the pending transfer (not the"
                    + " transfer's own id); otherwise empty or absent.")
            @JsonProperty("pending_id") String pendingId,
            @Schema(description = "posted (default), pending, post_pending or void_pending.")
            String kind,
            @Schema(description = "Linked to the next transfer: the chain succeeds or fails as one; the last"
                    + " transfer of a batch may not be linked.")
            boolean linked,
            @Schema(description = "For pending: seconds until the reservation expires, 0 (none) to 2678400"
                    + " (31 days); otherwise 0.", minimum = INT64_MIN, maximum = INT64_MAX)
            @JsonProperty("timeout_seconds") long timeoutSeconds,
            @Schema(description = "What the transfer is for: 1 to 64 characters of a-z, 0-9 and ._-, starting with"
                    + " a letter or digit; for post_pending and void_pending empty means the pending transfer's.")
            String code,
            @Schema(description = "At most 16 entries; keys 1 to 64 characters, values at most 256, without"
                    + " control characters.")
            Map<String, String> metadata,
            @Schema(description = "Personal data, stored encrypted with the tenant's data key; the limits of"
                    + " metadata.")
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

    @Schema(name = "CreateTransfers", additionalProperties = Schema.False.class,
            requiredProperties = {"transfers"})
    record CreateTransfersBody(
            @Schema(description = TENANT_ID_DESCRIPTION, pattern = TENANT_ID_PATTERN)
            @JsonProperty("tenant_id") String tenantId,
            @Schema(minItems = 1, maxItems = TransferBatch.TRANSFERS_MAX,
                    description = "1 to 8190 transfers, applied in order.")
            List<NewTransferBody> transfers) {
    }

    @Schema(name = "Transfer", description = "A transfer as the ledger recorded it.",
            requiredProperties = {"id", "tenant_id", "debit_account_id", "credit_account_id", "amount", "unit",
                "kind", "linked", "timeout_seconds", "code", "metadata", "personal_metadata", "timestamp"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TransferBody(
            @Schema(format = "uuid") String id,
            @Schema(format = "uuid") @JsonProperty("tenant_id") String tenantId,
            @Schema(format = "uuid") @JsonProperty("debit_account_id") String debitAccountId,
            @Schema(format = "uuid") @JsonProperty("credit_account_id") String creditAccountId,
            @Schema(minimum = "1") long amount,
            @Schema(pattern = UNIT_PATTERN) String unit,
            @Schema(format = "uuid", description = "The pending transfer it posts or voids; absent otherwise.")
            @JsonProperty("pending_id") String pendingId,
            @Schema(enumeration = {"posted", "pending", "post_pending", "void_pending", "expire_pending"})
            String kind,
            boolean linked,
            @Schema(minimum = "0") @JsonProperty("timeout_seconds") int timeoutSeconds,
            @Schema(format = "date-time", description = "When a pending transfer expires; absent: never or not"
                    + " pending.")
            @JsonProperty("expires_at") Instant expiresAt,
            String code,
            Map<String, String> metadata,
            @Schema(description = "Decrypted; empty once the tenant's data key is destroyed.")
            @JsonProperty("personal_metadata") Map<String, String> personalMetadata,
            @Schema(format = "date-time", description = "When the ledger recorded it; unique per account.")
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

    @Schema(name = "TransferOutcome", description = "What became of one transfer of the batch.",
            requiredProperties = {"index", "result", "replayed"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record OutcomeBody(
            @Schema(minimum = "0", description = "Its position in the request.") int index,
            @Schema(description = "Its id as sent; absent when it was sent without one.") String id,
            @Schema(enumeration = {"ok", "exists", "exists_with_different_body", "linked_event_failed",
                "linked_event_chain_open", "invalid_field", "accounts_must_be_different", "debit_account_not_found",
                "credit_account_not_found", "debit_account_closed", "credit_account_closed", "units_must_be_equal",
                "exceeds_credits", "exceeds_debits", "overflows_balance", "pending_transfer_not_found",
                "pending_transfer_not_pending", "pending_transfer_already_posted",
                "pending_transfer_already_voided", "pending_transfer_expired", "exceeds_pending_transfer_amount",
                "exceeds_token_budget"},
                    description = "ok and exists: the transfer stands (created now, or before with this body);"
                            + " anything else: why it failed, having changed nothing. exceeds_token_budget: a"
                            + " new debit of the tenant's token-budget account would pass its tokens per day"
                            + " (the detail names the UTC day, the budget, what is used, reserved and requested).")
            String result,
            @Schema(description = "The transfer existed with this body (result exists).") boolean replayed,
            @Schema(description = "The recorded transfer, for ok and exists.") TransferBody transfer,
            @Schema(description = "The field at fault, for invalid_field and the like.") String field,
            @Schema(description = "Why it failed.") String detail) {

        static OutcomeBody of(TransferOutcome outcome) {
            return new OutcomeBody(outcome.index(), outcome.id(), outcome.result().name().toLowerCase(Locale.ROOT),
                    outcome.replayed(), outcome.transfer().map(TransferBody::of).orElse(null), outcome.field(),
                    outcome.detail());
        }
    }

    @Schema(name = "TransferOutcomes", requiredProperties = {"results"})
    record OutcomesBody(@Schema(description = "One per transfer, in request order.") List<OutcomeBody> results) {
    }

    @Schema(name = "TransferPage", requiredProperties = {"transfers", "next_page_token"})
    record TransferPageBody(
            List<TransferBody> transfers,
            @Schema(description = "The page_token of the next page; empty on the last page.")
            @JsonProperty("next_page_token") String nextPageToken) {
    }

    @Schema(name = "Imbalance", requiredProperties = {"tenant_id", "unit", "debits_posted", "credits_posted",
        "debits_pending", "credits_pending"})
    record ImbalanceBody(
            @Schema(format = "uuid") @JsonProperty("tenant_id") String tenantId,
            String unit,
            @JsonProperty("debits_posted") BigInteger debitsPosted,
            @JsonProperty("credits_posted") BigInteger creditsPosted,
            @JsonProperty("debits_pending") BigInteger debitsPending,
            @JsonProperty("credits_pending") BigInteger creditsPending) {
    }

    @Schema(name = "InvariantCheck", requiredProperties = {"holds", "checked", "violations"})
    record InvariantBody(
            @Schema(description = "Debits equal credits for every tenant and unit.") boolean holds,
            @Schema(minimum = "0", description = "How many tenant and unit totals were compared.") long checked,
            @Schema(description = "The unbalanced totals, at most ledger.invariant.violations-max of them.")
            List<ImbalanceBody> violations) {

        static InvariantBody of(BalanceTotals.Check check) {
            return new InvariantBody(check.holds(), check.checked(), check.imbalances().stream()
                    .map(i -> new ImbalanceBody(i.tenant().toString(), i.unit(), i.debitsPosted(), i.creditsPosted(),
                            i.debitsPending(), i.creditsPending()))
                    .toList());
        }
    }

    @Schema(name = "TenantDayCost", requiredProperties = {"tenant_id", "day", "unit", "transfers", "amount"})
    record TenantDayBody(
            @Schema(format = "uuid") @JsonProperty("tenant_id") String tenantId,
            @Schema(format = "date") LocalDate day,
            String unit,
            @Schema(minimum = "0") long transfers,
            @Schema(minimum = "0") BigInteger amount) {
    }

    @Schema(name = "AccountCodeDayCost", requiredProperties = {"tenant_id", "day", "account_code", "unit", "debits",
        "credits"})
    record AccountCodeDayBody(
            @Schema(format = "uuid") @JsonProperty("tenant_id") String tenantId,
            @Schema(format = "date") LocalDate day,
            @JsonProperty("account_code") String accountCode,
            String unit,
            @Schema(minimum = "0") BigInteger debits,
            @Schema(minimum = "0") BigInteger credits) {
    }

    @Schema(name = "TenantDayCostReport", requiredProperties = {"rows", "truncated"})
    record TenantDayReportBody(
            List<TenantDayBody> rows,
            @Schema(description = "More rows than ledger.reports.rows-max (1000) matched; the first are listed.")
            boolean truncated) {

        static TenantDayReportBody of(CostReports.Rows<CostReports.TenantDay> report) {
            return new TenantDayReportBody(report.rows().stream().map(r -> new TenantDayBody(r.tenant().toString(),
                    r.day(), r.unit(), r.transfers(), r.amount())).toList(), report.truncated());
        }
    }

    @Schema(name = "AccountCodeDayCostReport", requiredProperties = {"rows", "truncated"})
    record AccountCodeDayReportBody(
            List<AccountCodeDayBody> rows,
            @Schema(description = "More rows than ledger.reports.rows-max (1000) matched; the first are listed.")
            boolean truncated) {

        static AccountCodeDayReportBody of(CostReports.Rows<CostReports.AccountCodeDay> report) {
            return new AccountCodeDayReportBody(report.rows().stream().map(r -> new AccountCodeDayBody(
                    r.tenant().toString(), r.day(), r.accountCode(), r.unit(), r.debits(), r.credits())).toList(),
                    report.truncated());
        }
    }
}
