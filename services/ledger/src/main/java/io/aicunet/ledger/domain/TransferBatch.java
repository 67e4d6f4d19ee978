package io.aicunet.ledger.domain;

import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies a batch of transfers, in order, to the accounts a {@link LedgerView} holds
 * locked, and says what to write: the new transfers, the accounts' new balances, and
 * one outcome per transfer. Nothing here touches the database, so the same rules run
 * in plain unit tests.
 *
 * <p>Transfers flagged {@code linked} form a chain with the transfers after them, up
 * to the first that is not linked. A chain is all or nothing: when one of its
 * transfers fails, the effects of the ones before it are undone, the failing one
 * reports its own reason and every other one {@code LINKED_EVENT_FAILED}. Other chains
 * and single transfers of the batch are not affected. A transfer that exists with the
 * same body counts as a success inside a chain, so a whole chain can be retried.
 *
 * <p>When the view holds the tenant's {@link TokenBudget}, every new debit of the budget
 * account (posted or pending) must fit into what is left of the budget on the UTC day
 * of its timestamp, or fails with {@code EXCEEDS_TOKEN_BUDGET}; a pending debit holds
 * its day's budget until it is posted (what is posted is used on that day, the rest
 * is free again), voided or expired. Credits to the budget account do not count.
 */
public final class TransferBatch {

    /** The largest batch one call may carry (TigerBeetle's limit, kept for its clients). */
    public static final int TRANSFERS_MAX = 8_190;

    /**
     * What the batch decided: outcomes in request order and what to write.
     *
     * @param tokenDayChanges what to add to the token budget's days (each a change, not a total)
     */
    public record Plan(List<TransferOutcome> outcomes, List<Transfer> created, List<Account> changedAccounts,
                       List<TokenDay> tokenDayChanges) {
        public Plan {
            outcomes = List.copyOf(outcomes);
            created = List.copyOf(created);
            changedAccounts = List.copyOf(changedAccounts);
            tokenDayChanges = List.copyOf(tokenDayChanges);
        }

        /** A plan that changes no token budget. */
        public Plan(List<TransferOutcome> outcomes, List<Transfer> created, List<Account> changedAccounts) {
            this(outcomes, created, changedAccounts, List.of());
        }
    }

    private final TenantId tenant;
    private final LedgerView view;
    private final Instant now;
    private final Map<AccountId, Account> accounts;
    private final Map<TransferId, Transfer> created = new LinkedHashMap<>();
    private final Map<TransferId, TransferKind> settlements;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final TokenBudget budget;
    private final Map<LocalDate, TokenDay> tokenDays = new HashMap<>();
    private Instant clock;

    private TransferBatch(TenantId tenant, LedgerView view, Instant now) {
        this.tenant = tenant;
        this.view = view;
        this.now = now.truncatedTo(ChronoUnit.MICROS);
        this.accounts = new HashMap<>(view.accounts());
        this.settlements = new HashMap<>(view.settlements());
        this.budget = view.tokenBudget().orElse(null);
    }

    /** Plans the batch against the locked view; {@code now} is the time the batch is recorded at. */
    public static Plan plan(TenantId tenant, List<CheckedTransfer> transfers, LedgerView view, Instant now) {
        GroupPlan group = planGroup(tenant, List.of(transfers), view, now);
        return new Plan(group.outcomes().get(0), group.created(), group.changedAccounts(), group.tokenDayChanges());
    }

    /**
     * Plans the batches of several calls, one after another, as if each were posted alone
     * in this order: a call sees what the calls before it created and changed, its linked
     * chains end with it (a chain left open fails {@code LINKED_EVENT_CHAIN_OPEN} in its own
     * call), and its outcomes are indexed within its own batch.
     */
    public static GroupPlan planGroup(TenantId tenant, List<List<CheckedTransfer>> calls, LedgerView view,
                                      Instant now) {
        Objects.requireNonNull(tenant, "tenant");
        if (calls.isEmpty()) {
            throw new IllegalArgumentException("a group plans at least one batch");
        }
        for (List<CheckedTransfer> transfers : calls) {
            if (transfers.isEmpty() || transfers.size() > TRANSFERS_MAX) {
                throw new IllegalArgumentException("a batch has 1 to " + TRANSFERS_MAX + " transfers, not "
                        + transfers.size());
            }
        }
        TransferBatch batch = new TransferBatch(tenant, view, now);
        List<List<TransferOutcome>> outcomes = new ArrayList<>(calls.size());
        for (List<CheckedTransfer> transfers : calls) {
            outcomes.add(List.of(batch.run(transfers)));
        }
        return batch.finish(outcomes);
    }

    /**
     * What a group of batches decided ({@link #planGroup}): each call's outcomes in its
     * request order, and what the group writes as a whole.
     */
    public record GroupPlan(List<List<TransferOutcome>> outcomes, List<Transfer> created,
                            List<Account> changedAccounts, List<TokenDay> tokenDayChanges) {
        public GroupPlan {
            outcomes = List.copyOf(outcomes);
            created = List.copyOf(created);
            changedAccounts = List.copyOf(changedAccounts);
            tokenDayChanges = List.copyOf(tokenDayChanges);
        }
    }

    /** Ids of transfers the batch needs to see: its own (for idempotency) and the pending ones it settles. */
    public static Set<TransferId> transfersNamed(Collection<CheckedTransfer> transfers) {
        Set<TransferId> ids = new LinkedHashSet<>();
        for (CheckedTransfer checked : transfers) {
            if (checked instanceof CheckedTransfer.WellFormed wellFormed) {
                ids.add(wellFormed.request().id());
                wellFormed.request().pendingId().ifPresent(ids::add);
            }
        }
        return ids;
    }

    /** Ids of pending transfers the batch settles. */
    public static Set<TransferId> pendingNamed(Collection<CheckedTransfer> transfers) {
        Set<TransferId> ids = new LinkedHashSet<>();
        for (CheckedTransfer checked : transfers) {
            if (checked instanceof CheckedTransfer.WellFormed wellFormed) {
                wellFormed.request().pendingId().ifPresent(ids::add);
            }
        }
        return ids;
    }

    /**
     * Every account the batch may touch, in lock order: the accounts it names and those
     * of the pending transfers it settles ({@code pending}, as found before locking).
     */
    public static List<AccountId> accountsToLock(Collection<CheckedTransfer> transfers,
                                                 Collection<Transfer> pending) {
        Set<AccountId> ids = new TreeSet<>();
        for (CheckedTransfer checked : transfers) {
            if (checked instanceof CheckedTransfer.WellFormed wellFormed) {
                wellFormed.request().debitAccount().ifPresent(ids::add);
                wellFormed.request().creditAccount().ifPresent(ids::add);
            }
        }
        for (Transfer transfer : pending) {
            ids.add(transfer.debitAccount());
            ids.add(transfer.creditAccount());
        }
        return List.copyOf(ids);
    }

    /** Whether any transfer of the batch opens new debits (posted or pending), as opposed to settling. */
    public static boolean opensDebits(Collection<CheckedTransfer> transfers) {
        return transfers.stream().anyMatch(checked -> !(checked instanceof CheckedTransfer.WellFormed wellFormed)
                || !wellFormed.request().kind().settlesPending());
    }

    /** Applies one call's batch; its chains end with it. */
    private TransferOutcome[] run(List<CheckedTransfer> transfers) {
        int count = transfers.size();
        TransferOutcome[] outcomes = new TransferOutcome[count];
        int chainStart = -1;
        int chainMark = 0;
        int index = 0;
        while (index < count) {
            CheckedTransfer checked = transfers.get(index);
            if (chainStart < 0 && checked.linked()) {
                chainStart = index;
                chainMark = undo.size();
            }
            TransferOutcome outcome = apply(index, checked);
            outcomes[index] = outcome;
            if (!outcome.result().succeeded() && chainStart >= 0) {
                rollbackTo(chainMark);
                for (int member = chainStart; member < index; member++) {
                    outcomes[member] = linkedFailed(member, transfers.get(member), index);
                }
                int last = index;
                while (transfers.get(last).linked() && last + 1 < count) {
                    last++;
                    outcomes[last] = linkedFailed(last, transfers.get(last), index);
                }
                chainStart = -1;
                undo.clear();
                index = last + 1;
                continue;
            }
            if (!checked.linked()) {
                // The chain (if any) ends here and stands: nothing of it will be undone.
                chainStart = -1;
                undo.clear();
            }
            index++;
        }
        if (chainStart >= 0) {
            rollbackTo(chainMark);
            for (int member = chainStart; member < count - 1; member++) {
                outcomes[member] = linkedFailed(member, transfers.get(member), count - 1);
            }
            outcomes[count - 1] = TransferOutcome.failed(count - 1, transfers.get(count - 1).idText(),
                    TransferResult.LINKED_EVENT_CHAIN_OPEN, "linked",
                    "the last transfer of a batch cannot be linked: its chain has no end");
            undo.clear();
        }
        return outcomes;
    }

    /** What the batches applied so far write, with {@code outcomes} as their answers. */
    private GroupPlan finish(List<List<TransferOutcome>> outcomes) {
        List<Account> changed = new ArrayList<>();
        accounts.forEach((id, account) -> {
            if (!account.equals(view.accounts().get(id))) {
                changed.add(account);
            }
        });
        changed.sort((left, right) -> left.id().compareTo(right.id()));
        List<TokenDay> dayChanges = new ArrayList<>();
        tokenDays.forEach((day, after) -> {
            TokenDay change = after.minus(budget.read(day).orElseThrow());
            if (!change.isZero()) {
                dayChanges.add(change);
            }
        });
        dayChanges.sort((left, right) -> left.day().compareTo(right.day()));
        return new GroupPlan(outcomes, new ArrayList<>(created.values()), changed, dayChanges);
    }

    private TransferOutcome apply(int index, CheckedTransfer checked) {
        if (checked instanceof CheckedTransfer.Malformed malformed) {
            return TransferOutcome.failed(index, malformed.idText(), malformed.result(), malformed.field(),
                    malformed.detail());
        }
        TransferRequest request = ((CheckedTransfer.WellFormed) checked).request();
        Transfer earlier = created.getOrDefault(request.id(), view.transfers().get(request.id()));
        if (earlier != null) {
            if (earlier.digest().equals(request.digest())) {
                return new TransferOutcome(index, request.id().toString(), TransferResult.EXISTS,
                        Optional.of(earlier), "", "transfer " + request.id() + " exists with the same body");
            }
            return failed(index, request, TransferResult.EXISTS_WITH_DIFFERENT_BODY, "id",
                    "transfer " + request.id() + " was created before with a different body");
        }
        return request.kind().settlesPending() ? settle(index, request) : open(index, request);
    }

    /** A posted or pending transfer between two accounts the request names. */
    private TransferOutcome open(int index, TransferRequest request) {
        Account debit = accounts.get(request.debitAccount().orElseThrow());
        if (debit == null) {
            return failed(index, request, TransferResult.DEBIT_ACCOUNT_NOT_FOUND, "debit_account_id",
                    "account " + request.debitAccount().get() + " does not exist");
        }
        Account credit = accounts.get(request.creditAccount().orElseThrow());
        if (credit == null) {
            return failed(index, request, TransferResult.CREDIT_ACCOUNT_NOT_FOUND, "credit_account_id",
                    "account " + request.creditAccount().get() + " does not exist");
        }
        TransferOutcome closed = closedAccount(index, request, debit, credit);
        if (closed != null) {
            return closed;
        }
        if (!debit.unit().equals(credit.unit())) {
            return failed(index, request, TransferResult.UNITS_MUST_BE_EQUAL, "credit_account_id",
                    "the debit account counts " + debit.unit() + ", the credit account " + credit.unit());
        }
        long amount = request.amount();
        boolean pending = request.kind() == TransferKind.PENDING;
        Optional<Balances> debitAfter = debit.balances().plus(pending ? 0 : amount, 0, pending ? amount : 0, 0);
        Optional<Balances> creditAfter = credit.balances().plus(0, pending ? 0 : amount, 0, pending ? amount : 0);
        TransferOutcome limited = limits(index, request, debit, debitAfter, credit, creditAfter);
        if (limited != null) {
            return limited;
        }
        if (budget != null && debit.id().equals(budget.account())) {
            TransferOutcome overBudget = spendTokens(index, request, peekTimestamp(debit, credit), pending);
            if (overBudget != null) {
                return overBudget;
            }
        }
        Instant timestamp = nextTimestamp(debit, credit);
        Optional<Instant> expiresAt = pending && request.timeoutSeconds() > 0
                ? Optional.of(timestamp.plusSeconds(request.timeoutSeconds()))
                : Optional.empty();
        return record(index, new Transfer(request.id(), tenant, debit.id(), credit.id(), amount, debit.unit(),
                Optional.empty(), request.kind(), request.linked(), request.timeoutSeconds(), expiresAt,
                request.code(), request.metadata(), request.personalMetadata(), timestamp, request.digest(),
                debitAfter.get(),
                creditAfter.get()), debit, credit);
    }

    /** A post, void or expiry of a pending transfer. */
    private TransferOutcome settle(int index, TransferRequest request) {
        TransferId pendingId = request.pendingId().orElseThrow();
        Transfer pending = created.getOrDefault(pendingId, view.transfers().get(pendingId));
        if (pending == null) {
            return failed(index, request, TransferResult.PENDING_TRANSFER_NOT_FOUND, "pending_id",
                    "transfer " + pendingId + " does not exist");
        }
        if (pending.kind() != TransferKind.PENDING) {
            return failed(index, request, TransferResult.PENDING_TRANSFER_NOT_PENDING, "pending_id",
                    "transfer " + pendingId + " is " + pending.kind().wireName() + ", not pending");
        }
        TransferKind settledBy = settlements.get(pendingId);
        if (settledBy != null) {
            TransferResult result = switch (settledBy) {
                case POST_PENDING -> TransferResult.PENDING_TRANSFER_ALREADY_POSTED;
                case VOID_PENDING -> TransferResult.PENDING_TRANSFER_ALREADY_VOIDED;
                case EXPIRE_PENDING -> TransferResult.PENDING_TRANSFER_EXPIRED;
                default -> throw new IllegalStateException(pendingId + " settled by a " + settledBy + " transfer");
            };
            return failed(index, request, result, "pending_id", "pending transfer " + pendingId + " was "
                    + (settledBy == TransferKind.POST_PENDING ? "posted" : settledBy == TransferKind.VOID_PENDING
                    ? "voided" : "expired") + " already");
        }
        if (request.kind() != TransferKind.EXPIRE_PENDING && pending.expiresAt().isPresent()
                && !now.isBefore(pending.expiresAt().get())) {
            return failed(index, request, TransferResult.PENDING_TRANSFER_EXPIRED, "pending_id",
                    "pending transfer " + pendingId + " expired at " + pending.expiresAt().get());
        }
        if (request.debitAccount().isPresent() && !request.debitAccount().get().equals(pending.debitAccount())) {
            return failed(index, request, TransferResult.INVALID_FIELD, "debit_account_id",
                    "must be empty or the pending transfer's debit account " + pending.debitAccount());
        }
        if (request.creditAccount().isPresent() && !request.creditAccount().get().equals(pending.creditAccount())) {
            return failed(index, request, TransferResult.INVALID_FIELD, "credit_account_id",
                    "must be empty or the pending transfer's credit account " + pending.creditAccount());
        }
        if (!accounts.containsKey(pending.debitAccount()) || !accounts.containsKey(pending.creditAccount())) {
            // A concurrent batch committed it after this one looked for pending transfers,
            // so its accounts are not locked here: for this batch it did not exist yet.
            return failed(index, request, TransferResult.PENDING_TRANSFER_NOT_FOUND, "pending_id",
                    "transfer " + pendingId + " was not committed when this batch began");
        }
        Account debit = lockedAccount(pending.debitAccount());
        Account credit = lockedAccount(pending.creditAccount());
        long amount = pending.amount();
        long posted = 0;
        if (request.kind() == TransferKind.POST_PENDING) {
            TransferOutcome closed = closedAccount(index, request, debit, credit);
            if (closed != null) {
                return closed;
            }
            if (request.amount() > pending.amount()) {
                return failed(index, request, TransferResult.EXCEEDS_PENDING_TRANSFER_AMOUNT, "amount",
                        "posts " + request.amount() + " of a pending amount of " + pending.amount());
            }
            amount = request.amount() == 0 ? pending.amount() : request.amount();
            posted = amount;
        } else if (request.kind() == TransferKind.VOID_PENDING
                && request.amount() != 0 && request.amount() != pending.amount()) {
            return failed(index, request, TransferResult.EXCEEDS_PENDING_TRANSFER_AMOUNT, "amount",
                    "a void releases the whole pending amount of " + pending.amount() + ": send 0 or that amount");
        }
        Optional<Balances> debitAfter = debit.balances().plus(posted, 0, -pending.amount(), 0);
        Optional<Balances> creditAfter = credit.balances().plus(0, posted, 0, -pending.amount());
        TransferOutcome limited = limits(index, request, debit, debitAfter, credit, creditAfter);
        if (limited != null) {
            return limited;
        }
        if (budget != null && debit.id().equals(budget.account())) {
            LocalDate day = TokenBudget.dayOf(pending.timestamp());
            Optional<TokenDay> before = tokenDay(day);
            if (before.isEmpty()) {
                // Committed after this batch looked for the pending transfers it settles.
                return failed(index, request, TransferResult.PENDING_TRANSFER_NOT_FOUND, "pending_id",
                        "transfer " + pendingId + " was not committed when this batch began");
            }
            putTokenDay(before.get().settle(pending.amount(), posted));
        }
        settle(pendingId, request.kind());
        Instant timestamp = nextTimestamp(debit, credit);
        return record(index, new Transfer(request.id(), tenant, debit.id(), credit.id(), amount, pending.unit(),
                Optional.of(pendingId), request.kind(), request.linked(), 0, Optional.empty(),
                request.code().isEmpty() ? pending.code() : request.code(), request.metadata(),
                request.personalMetadata(), timestamp,
                request.digest(), debitAfter.get(), creditAfter.get()), debit, credit);
    }

    private TransferOutcome closedAccount(int index, TransferRequest request, Account debit, Account credit) {
        if (debit.closed()) {
            return failed(index, request, TransferResult.DEBIT_ACCOUNT_CLOSED, "debit_account_id",
                    "account " + debit.id() + " is closed");
        }
        if (credit.closed()) {
            return failed(index, request, TransferResult.CREDIT_ACCOUNT_CLOSED, "credit_account_id",
                    "account " + credit.id() + " is closed");
        }
        return null;
    }

    private TransferOutcome limits(int index, TransferRequest request, Account debit, Optional<Balances> debitAfter,
                                   Account credit, Optional<Balances> creditAfter) {
        if (debitAfter.isEmpty() || creditAfter.isEmpty()) {
            return failed(index, request, TransferResult.OVERFLOWS_BALANCE, "amount",
                    "a balance of account " + (debitAfter.isEmpty() ? debit.id() : credit.id())
                            + " would pass 2^63-1");
        }
        if (debit.debitsMustNotExceedCredits() && debitAfter.get().debitsExceedCredits()) {
            return failed(index, request, TransferResult.EXCEEDS_CREDITS, "amount",
                    "account " + debit.id() + " may not have more debits than credits: debits "
                            + debit.balances().debitsPosted() + " posted + " + debit.balances().debitsPending()
                            + " pending, credits " + debit.balances().creditsPosted() + " posted");
        }
        if (credit.creditsMustNotExceedDebits() && creditAfter.get().creditsExceedDebits()) {
            return failed(index, request, TransferResult.EXCEEDS_DEBITS, "amount",
                    "account " + credit.id() + " may not have more credits than debits: credits "
                            + credit.balances().creditsPosted() + " posted + " + credit.balances().creditsPending()
                            + " pending, debits " + credit.balances().debitsPosted() + " posted");
        }
        return null;
    }

    /**
     * Takes {@code amount} tokens of the budget of the day of {@code timestamp}: reserved
     * for a pending debit, used for a posted one; or the refusal, naming the budget,
     * what is used, reserved and requested.
     */
    private TransferOutcome spendTokens(int index, TransferRequest request, Instant timestamp, boolean pending) {
        LocalDate day = TokenBudget.dayOf(timestamp);
        TokenDay before = tokenDay(day).orElseThrow(() -> new IllegalStateException("the token budget of " + day
                + " was not read, though every day from " + budget.firstDayRead() + " on was"));
        long amount = request.amount();
        long left = Math.max(0, budget.tokensPerDay() - before.committed());
        if (amount > left) {
            return failed(index, request, TransferResult.EXCEEDS_TOKEN_BUDGET, "amount",
                    "the token budget of tenant " + tenant + " for " + day + " (UTC) is " + budget.tokensPerDay()
                            + " tokens" + (budget.quotaKnown() ? "" : " (the ledger's setting for tenants the tenant"
                            + " service has not told it about yet)") + ": " + before.used() + " used, "
                            + before.reserved() + " reserved, " + amount + " requested, " + left + " left");
        }
        putTokenDay(pending ? before.reserve(amount) : before.use(amount));
        return null;
    }

    /** The day as this batch has it so far, or empty when it was not read. */
    private Optional<TokenDay> tokenDay(LocalDate day) {
        TokenDay changed = tokenDays.get(day);
        return changed != null ? Optional.of(changed) : budget.read(day);
    }

    private void putTokenDay(TokenDay day) {
        TokenDay before = tokenDays.put(day.day(), day);
        undo.push(() -> {
            if (before == null) {
                tokenDays.remove(day.day());
            } else {
                tokenDays.put(day.day(), before);
            }
        });
    }

    private Account lockedAccount(AccountId id) {
        Account account = accounts.get(id);
        if (account == null) {
            throw new IllegalStateException("account " + id + " of a pending transfer was not locked for the batch");
        }
        return account;
    }

    /** A time after the last transfer of both accounts and of this batch, and not before now. */
    private Instant nextTimestamp(Account debit, Account credit) {
        Instant next = peekTimestamp(debit, credit);
        clock = next;
        return next;
    }

    /** The time {@link #nextTimestamp} would give, without taking it. */
    private Instant peekTimestamp(Account debit, Account credit) {
        Instant next = now;
        if (clock != null && !next.isAfter(clock)) {
            next = clock.plus(1, ChronoUnit.MICROS);
        }
        for (Account account : List.of(debit, credit)) {
            if (account.lastTransferAt().isPresent() && !next.isAfter(account.lastTransferAt().get())) {
                next = account.lastTransferAt().get().plus(1, ChronoUnit.MICROS);
            }
        }
        return next;
    }

    private TransferOutcome record(int index, Transfer transfer, Account debit, Account credit) {
        put(debit.withBalances(transfer.debitBalancesAfter(), transfer.timestamp()));
        put(credit.withBalances(transfer.creditBalancesAfter(), transfer.timestamp()));
        created.put(transfer.id(), transfer);
        undo.push(() -> created.remove(transfer.id()));
        return new TransferOutcome(index, transfer.id().toString(), TransferResult.OK, Optional.of(transfer), "", "");
    }

    private void put(Account account) {
        Account before = accounts.put(account.id(), account);
        undo.push(() -> accounts.put(account.id(), before));
    }

    private void settle(TransferId pendingId, TransferKind kind) {
        settlements.put(pendingId, kind);
        undo.push(() -> settlements.remove(pendingId));
    }

    private void rollbackTo(int mark) {
        while (undo.size() > mark) {
            undo.pop().run();
        }
    }

    private static TransferOutcome failed(int index, TransferRequest request, TransferResult result, String field,
                                          String detail) {
        return TransferOutcome.failed(index, request.id().toString(), result, field, detail);
    }

    private static TransferOutcome linkedFailed(int index, CheckedTransfer member, int failedIndex) {
        return TransferOutcome.failed(index, member.idText(), TransferResult.LINKED_EVENT_FAILED, "",
                "transfer " + failedIndex + " of its linked chain failed, so none of the chain was applied");
    }
}
