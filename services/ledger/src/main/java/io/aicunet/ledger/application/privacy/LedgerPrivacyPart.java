package io.aicunet.ledger.application.privacy;

import io.aicunet.ledger.application.port.PersonalRecords;
import io.aicunet.ledger.application.port.Transfers;
import io.aicunet.ledger.config.LedgerServiceConfig;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.platform.privacy.ExportPage;
import io.aicunet.platform.privacy.PrivacyPart;
import io.aicunet.platform.privacy.PrivacyScope;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The ledger's part of privacy requests (docs/privacy-requests.md; the ledger's rules in
 * docs/ledger.md, Privacy). A data subject is whom an account belongs to
 * ({@code accounts.subject_id}); the subject's records are those accounts and every
 * transfer debiting or crediting one of them. Export gives them with the personal
 * metadata decrypted. Erasure keeps what accounting needs (accounts, amounts, balances,
 * codes, the transfers themselves: debits still equal credits) and removes the personal
 * data: the transfers' personal metadata, then the accounts' subject. The tenant's data
 * key, destroyed last by the tenant service on a tenant erasure, leaves nothing readable.
 */
@ApplicationScoped
public class LedgerPrivacyPart implements PrivacyPart {

    static final String ACCOUNTS = "accounts";
    static final String TRANSFERS = "transfers";
    static final String TENANTS = "tenants";
    /** Erasure counts: transfers whose personal metadata was removed, accounts whose subject was. */
    static final String TRANSFERS_PERSONAL_METADATA_ERASED = "transfers_personal_metadata_erased";
    static final String ACCOUNTS_SUBJECT_ERASED = "accounts_subject_erased";

    private final PersonalRecords records;
    private final Transfers transfers;
    private final PersonalDataCipher cipher;
    private final LedgerServiceConfig.Privacy config;

    public LedgerPrivacyPart(PersonalRecords records, Transfers transfers, PersonalDataCipher cipher,
                             LedgerServiceConfig config) {
        this.records = records;
        this.transfers = transfers;
        this.cipher = cipher;
        this.config = config.privacy();
    }

    @Override
    public Multi<ExportPage> export(SqlConnection transaction, PrivacyScope scope) {
        TenantId tenant = scope.tenant();
        return accountsOf(transaction, scope).toMulti().onItem().transformToMultiAndConcatenate(accounts -> {
            Set<AccountId> ids = new HashSet<>();
            accounts.forEach(account -> ids.add(account.id()));
            Multi<ExportPage> accountPage = Multi.createFrom().item(
                    new ExportPage(ACCOUNTS, accounts.stream().map(LedgerPrivacyPart::json).toList()));
            Multi<ExportPage> transferPages = Multi.createFrom().iterable(accounts)
                    .onItem().transformToMultiAndConcatenate(account -> transfersOf(transaction, tenant, account.id(),
                            ids, scope));
            Multi<ExportPage> standing = scope.wholeTenant()
                    ? ExportPage.whole(TENANTS, records.standing(transaction, tenant)
                            .map(found -> found.map(LedgerPrivacyPart::json).stream().toList()))
                    : Multi.createFrom().empty();
            return Multi.createBy().concatenating().streams(accountPage, transferPages, standing);
        });
    }

    @Override
    public Uni<Map<String, Long>> erase(SqlConnection transaction, PrivacyScope scope) {
        TenantId tenant = scope.tenant();
        int batch = config.batchSize();
        Uni<Optional<List<AccountId>>> accounts = scope.wholeTenant()
                ? Uni.createFrom().item(Optional.empty())
                : accountsOf(transaction, scope).map(found -> Optional.of(found.stream().map(Account::id).toList()));
        return accounts.flatMap(which -> {
            if (which.isPresent() && which.get().isEmpty()) {
                // The subject has no account (left): nothing of theirs is here, or it was erased before.
                return Uni.createFrom().item(counts(0, 0));
            }
            // The transfers first: they are found through the accounts' subject, which goes last.
            return untilNone(() -> records.erasePersonalMetadata(transaction, tenant, which, batch), batch)
                    .flatMap(transfersErased -> untilNone(() -> records.eraseSubjects(transaction, tenant,
                            scope.subject(), batch), batch)
                            .map(accountsErased -> counts(transfersErased, accountsErased)));
        });
    }

    private Uni<List<Account>> accountsOf(SqlConnection transaction, PrivacyScope scope) {
        int max = config.accountsMax();
        return records.accounts(transaction, scope.tenant(), scope.subject(), max + 1).map(accounts -> {
            if (accounts.size() > max) {
                throw new IllegalStateException("privacy request " + scope.requestId() + " covers more than " + max
                        + " accounts (ledger.privacy.accounts-max): not answered, rather than answered incompletely");
            }
            return accounts;
        });
    }

    /**
     * The account's transfers, a page at a time, personal metadata decrypted: each transfer
     * once, with its debit account, or with its credit account when its debit account is
     * not one of {@code covered}.
     */
    private Multi<ExportPage> transfersOf(SqlConnection transaction, TenantId tenant, AccountId account,
                                          Set<AccountId> covered, PrivacyScope scope) {
        int page = config.batchSize();
        return ExportPage.<Instant>paged(TRANSFERS, after -> transfers.statement(transaction, tenant, account, after,
                page).flatMap(found -> cipher.open(found.stream()
                                .filter(transfer -> transfer.debitAccount().equals(account)
                                        || !covered.contains(transfer.debitAccount()))
                                .toList())
                        .map(opened -> new ExportPage.Fetched<>(
                                valueOrFail(opened, scope).stream().map(LedgerPrivacyPart::json).toList(),
                                found.size() < page ? Optional.empty()
                                        : Optional.of(found.get(found.size() - 1).timestamp())))));
    }

    /** Runs the step until it changes fewer rows than a batch; the rows it changed in all. */
    private static Uni<Long> untilNone(Supplier<Uni<Integer>> step, int batch) {
        return step.get().flatMap(changed -> changed < batch
                ? Uni.createFrom().item((long) changed)
                : untilNone(step, batch).map(rest -> rest + changed));
    }

    private static Map<String, Long> counts(long transfers, long accounts) {
        return Map.of(TRANSFERS_PERSONAL_METADATA_ERASED, transfers, ACCOUNTS_SUBJECT_ERASED, accounts);
    }

    private static <T> T valueOrFail(Result<T> result, PrivacyScope scope) {
        if (!result.isOk()) {
            // The consumer retries, and the request fails at its deadline naming the ledger.
            throw new IllegalStateException("privacy request " + scope.requestId() + ": "
                    + result.problem().detail());
        }
        return result.value();
    }

    static JsonObject json(Account account) {
        JsonObject json = new JsonObject()
                .put("id", account.id().toString())
                .put("tenant_id", account.tenant().toString())
                .put("code", account.code())
                .put("unit", account.unit())
                .put("debits_must_not_exceed_credits", account.debitsMustNotExceedCredits())
                .put("credits_must_not_exceed_debits", account.creditsMustNotExceedDebits())
                .put("closed", account.closed())
                .put("balances", new JsonObject()
                        .put("debits_posted", account.balances().debitsPosted())
                        .put("credits_posted", account.balances().creditsPosted())
                        .put("debits_pending", account.balances().debitsPending())
                        .put("credits_pending", account.balances().creditsPending()))
                .put("created_at", account.createdAt().toString());
        account.lastTransferAt().ifPresent(at -> json.put("last_transfer_at", at.toString()));
        account.subjectId().ifPresent(subject -> json.put("subject_id", subject));
        return json;
    }

    static JsonObject json(Transfer transfer) {
        JsonObject metadata = new JsonObject();
        transfer.metadata().forEach(metadata::put);
        JsonObject personal = new JsonObject();
        transfer.personalMetadata().entries().forEach(personal::put);
        JsonObject json = new JsonObject()
                .put("id", transfer.id().toString())
                .put("tenant_id", transfer.tenant().toString())
                .put("debit_account_id", transfer.debitAccount().toString())
                .put("credit_account_id", transfer.creditAccount().toString())
                .put("amount", transfer.amount())
                .put("unit", transfer.unit())
                .put("kind", transfer.kind().wireName())
                .put("linked", transfer.linked())
                .put("timeout_seconds", transfer.timeoutSeconds())
                .put("code", transfer.code())
                .put("metadata", metadata)
                .put("personal_metadata", personal)
                .put("timestamp", transfer.timestamp().toString());
        transfer.pendingId().map(TransferId::toString).ifPresent(id -> json.put("pending_id", id));
        transfer.expiresAt().ifPresent(at -> json.put("expires_at", at.toString()));
        return json;
    }

    static JsonObject json(PersonalRecords.TenantStanding standing) {
        JsonObject json = new JsonObject()
                .put("tenant_id", standing.tenant().toString())
                .put("status", standing.status())
                .put("updated_at", standing.updatedAt().toString());
        standing.suspensionReason().ifPresent(reason -> json.put("suspension_reason", reason));
        return json;
    }
}
