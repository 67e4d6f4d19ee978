package io.aicunet.ledger.application.transfers;

import io.aicunet.ledger.application.contract.LedgerEvents;
import io.aicunet.ledger.application.port.Accounts;
import io.aicunet.ledger.application.port.LedgerTenants;
import io.aicunet.ledger.application.port.Postings;
import io.aicunet.ledger.application.port.TokenBudgets;
import io.aicunet.ledger.application.port.Transfers;
import io.aicunet.ledger.application.privacy.PersonalDataCipher;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.ledger.config.LedgerServiceConfig;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.CheckedTransfer;
import io.aicunet.ledger.domain.LedgerView;
import io.aicunet.ledger.domain.TokenBudget;
import io.aicunet.ledger.domain.TokenDay;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferBatch;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.ledger.domain.TransferKind;
import io.aicunet.ledger.domain.TransferOutcome;
import io.aicunet.platform.limits.StorageQuota;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Posts a checked batch of one tenant in the current transaction, in the fixed order
 * that keeps concurrent batches correct:
 * <ol>
 * <li>find the pending transfers the batch settles, to learn their accounts;</li>
 * <li>lock every account the batch touches, in id order (so batches never deadlock
 *     and balance limits are checked against values no one else can change);</li>
 * <li>only then read the transfers the batch names and how its pending transfers
 *     were settled: a concurrent batch on the same accounts has committed or not
 *     started, so this read is current;</li>
 * <li>plan the batch in memory ({@link TransferBatch}) and write it with one statement,
 *     the new transfers' personal metadata sealed with the tenant's data key.</li>
 * </ol>
 *
 * <p>A batch that touches the tenant's token-budget account (the default account
 * {@code ledger.token-budget.account-code}) also reads, after that account's lock,
 * the tenant's tokens per day and its budget days (from today on, and the days of the
 * reservations it settles), and writes the days' changes after the batch: the lock
 * makes the check and the change one step for every replica. Other batches pay nothing.
 *
 * <p>A batch that writes transfers carrying metadata (plain or personal) is held to the
 * tenant's storage quota (docs/storage-quotas.md): the database counts the metadata's
 * bytes as stored in {@code tenant_storage} in this transaction, and
 * {@link StorageQuota#checkWrite} then refuses the batch as a whole with
 * RESOURCE_EXHAUSTED when the tenant would store more than its quota; the transaction
 * rolls back, so nothing is written. Batches without metadata (among them every expiry
 * batch) add no bytes and are never asked.
 */
@ApplicationScoped
public class PostBatch {

    private static final Uni<Optional<Problem>> NO_REFUSAL = Uni.createFrom().item(Optional.empty());

    private final Accounts accounts;
    private final Transfers transfers;
    private final Postings postings;
    private final Outbox outbox;
    private final LedgerTenants tenants;
    private final TokenBudgets budgets;
    private final StorageQuota storage;
    private final String budgetAccountCode;
    private final long unknownTenantTokensPerDay;

    public PostBatch(Accounts accounts, Transfers transfers, Postings postings, Outbox outbox, LedgerTenants tenants,
                     TokenBudgets budgets, StorageQuota storage, LedgerServiceConfig config) {
        this.accounts = accounts;
        this.transfers = transfers;
        this.postings = postings;
        this.outbox = outbox;
        this.tenants = tenants;
        this.budgets = budgets;
        this.storage = storage;
        this.budgetAccountCode = config.tokenBudget().accountCode();
        this.unknownTenantTokensPerDay = config.tokenBudget().unknownTenantTokensPerDay();
    }

    /**
     * Plans and writes the batch; {@code timeoutsSettled} are pending transfers whose
     * timeout entries the write removes (the expiry job's claimed ones). {@code refusal}
     * is a read that may refuse the whole batch (a suspended tenant); it is sent with
     * the batch's own reads, so it costs no round trip of its own. {@code key} is the
     * tenant's data key when a transfer of the batch carries personal metadata (fetched
     * once per batch, before the transaction); the plan's outcomes keep it in plaintext
     * for the caller, only what is written is sealed.
     */
    public Uni<Result<TransferBatch.Plan>> post(SqlConnection connection, TenantId tenant,
                                                List<CheckedTransfer> batch, Instant now,
                                                List<TransferId> timeoutsSettled, Uni<Optional<Problem>> refusal,
                                                Optional<DataKey> key) {
        return postGroup(connection, tenant, List.of(new Call(batch, true)), now, timeoutsSettled, refusal, key)
                .map(group -> {
                    if (!group.isOk()) {
                        return Result.<TransferBatch.Plan>failed(group.problem());
                    }
                    Result<List<TransferOutcome>> call = group.value().outcomes().get(0);
                    return call.isOk() ? Result.ok(new TransferBatch.Plan(call.value(), group.value().created(),
                            group.value().changedAccounts())) : Result.failed(call.problem());
                });
    }

    /**
     * One call's batch in a group.
     *
     * @param refusable whether the group's {@code refusal} applies to this call (it opens new debits)
     */
    public record Call(List<CheckedTransfer> transfers, boolean refusable) {
    }

    /**
     * What a group wrote: each call's outcomes, or the problem that refused that call
     * alone (it wrote nothing); and the transfers and accounts written for all of them.
     */
    public record Posted(List<Result<List<TransferOutcome>>> outcomes, List<Transfer> created,
                         List<Account> changedAccounts) {
    }

    /**
     * Plans and writes the batches of several calls of one tenant in the current
     * transaction, as if each call were posted alone in this order
     * ({@link TransferBatch#planGroup}): the reads, the locks (the union of the calls'
     * accounts, in id order) and the write are done once for the group. A call the
     * {@code refusal} applies to is refused alone and planned not at all. A failed result
     * refuses the group as a whole (the storage quota): nothing is written, and the caller
     * posts each call alone to learn whose it is.
     */
    public Uni<Result<Posted>> postGroup(SqlConnection connection, TenantId tenant, List<Call> calls, Instant now,
                                         List<TransferId> timeoutsSettled, Uni<Optional<Problem>> refusal,
                                         Optional<DataKey> key) {
        List<CheckedTransfer> all = new ArrayList<>();
        calls.forEach(call -> all.addAll(call.transfers()));
        Set<TransferId> pendingIds = TransferBatch.pendingNamed(all);
        Uni<List<Transfer>> pendingBeforeLock = pendingIds.isEmpty()
                ? Uni.createFrom().item(List.of())
                : transfers.findByIdOrPending(connection, tenant, pendingIds, Set.of());
        boolean anyRefusable = calls.stream().anyMatch(Call::refusable);
        return pendingBeforeLock.flatMap(pending -> {
            List<AccountId> toLock = TransferBatch.accountsToLock(all, pending);
            // Sent back to back on one connection, the reads run in order: the transfers
            // are read after the accounts are locked, so they show every commit of a
            // batch that held those locks before.
            Uni<Map<AccountId, Account>> locked = toLock.isEmpty()
                    ? Uni.createFrom().item(Map.of())
                    : accounts.lock(connection, tenant, toLock);
            Uni<List<Transfer>> named = transfers.findByIdOrPending(connection, tenant,
                    TransferBatch.transfersNamed(all), pendingIds);
            AccountId budgetAccount = ApplyTenantEvent.defaultAccountId(tenant, budgetAccountCode);
            Uni<Optional<TokenBudget>> budget = toLock.contains(budgetAccount)
                    ? readBudget(connection, tenant, budgetAccount, now, pending)
                    : Uni.createFrom().item(Optional.empty());
            return Uni.combine().all().unis(anyRefusable ? refusal : NO_REFUSAL, locked, named, budget).asTuple();
        }).flatMap(read -> {
            Optional<Problem> refused = read.getItem1();
            List<List<CheckedTransfer>> planned = new ArrayList<>(calls.size());
            for (Call call : calls) {
                if (refused.isEmpty() || !call.refusable()) {
                    planned.add(call.transfers());
                }
            }
            if (planned.isEmpty()) {
                List<Result<List<TransferOutcome>>> answers = new ArrayList<>(calls.size());
                calls.forEach(call -> answers.add(Result.failed(refused.get())));
                return Uni.createFrom().item(Result.ok(new Posted(answers, List.of(), List.of())));
            }
            // The budget counts only when its account exists (and is locked now).
            Optional<TokenBudget> budget = read.getItem4().filter(found -> read.getItem2().containsKey(found.account()));
            LedgerView view = view(read.getItem2(), read.getItem3(), pendingIds, budget);
            TransferBatch.GroupPlan plan = TransferBatch.planGroup(tenant, planned, view, now);
            List<Result<List<TransferOutcome>>> answers = new ArrayList<>(calls.size());
            int next = 0;
            for (Call call : calls) {
                answers.add(refused.isEmpty() || !call.refusable()
                        ? Result.ok(plan.outcomes().get(next++))
                        : Result.failed(refused.get()));
            }
            Posted posted = new Posted(answers, plan.created(), plan.changedAccounts());
            if (plan.created().isEmpty() && timeoutsSettled.isEmpty()) {
                return Uni.createFrom().item(Result.ok(posted));
            }
            List<Transfer> toWrite = key.isEmpty() ? plan.created() : PersonalDataCipher.seal(key.get(), plan.created());
            Uni<Void> written = postings.write(connection, tenant,
                    new TransferBatch.Plan(List.of(), toWrite, plan.changedAccounts()),
                    LedgerEvents.of(outbox, plan.created()), timeoutsSettled);
            if (!plan.tokenDayChanges().isEmpty()) {
                written = written.chain(() -> budgets.add(connection, tenant, plan.tokenDayChanges()));
            }
            if (!carriesMetadata(plan.created())) {
                return written.replaceWith(Result.ok(posted));
            }
            // After the insert, whose trigger holds the tenant's tenant_storage row locked
            // until this transaction ends: a refusal is the whole group's answer and rolls it back.
            return written.chain(() -> storage.checkWrite(connection, tenant))
                    .map(use -> use.isOk() ? Result.ok(posted) : Result.<Posted>failed(use.problem()));
        });
    }

    /** Whether any of the transfers a batch writes stores metadata bytes (plain or personal). */
    static boolean carriesMetadata(List<Transfer> created) {
        for (Transfer transfer : created) {
            if (!transfer.metadata().isEmpty() || transfer.personalMetadata().needsSealing()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the tenant's tokens per day and its budget days from the day of {@code now}
     * on, plus the earlier days of the reservations on the budget account that the batch
     * settles ({@code pending}, found before the locks).
     */
    private Uni<Optional<TokenBudget>> readBudget(SqlConnection connection, TenantId tenant, AccountId budgetAccount,
                                                 Instant now, List<Transfer> pending) {
        LocalDate today = TokenBudget.dayOf(now);
        Set<LocalDate> pastDays = new TreeSet<>();
        for (Transfer reservation : pending) {
            LocalDate day = TokenBudget.dayOf(reservation.timestamp());
            if (reservation.debitAccount().equals(budgetAccount) && day.isBefore(today)) {
                pastDays.add(day);
            }
        }
        Uni<Optional<Long>> quota = tenants.tokensPerDay(connection, tenant);
        Uni<Map<LocalDate, TokenDay>> days = budgets.days(connection, tenant, today, pastDays);
        return Uni.combine().all().unis(quota, days).asTuple().map(read -> Optional.of(
                new TokenBudget(budgetAccount, read.getItem1().orElse(unknownTenantTokensPerDay),
                        read.getItem1().isPresent(), today, pastDays, read.getItem2())));
    }

    private static LedgerView view(Map<AccountId, Account> locked, List<Transfer> found, Set<TransferId> pendingIds,
                                   Optional<TokenBudget> budget) {
        Map<TransferId, Transfer> byId = new HashMap<>();
        Map<TransferId, TransferKind> settlements = new HashMap<>();
        for (Transfer transfer : found) {
            byId.put(transfer.id(), transfer);
            if (transfer.pendingId().isPresent() && pendingIds.contains(transfer.pendingId().get())) {
                settlements.put(transfer.pendingId().get(), transfer.kind());
            }
        }
        return new LedgerView(locked, byId, settlements, budget);
    }
}
