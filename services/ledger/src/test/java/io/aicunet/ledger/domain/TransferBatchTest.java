package io.aicunet.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.RequestDigest;
import io.aicunet.platform.tenancy.TenantId;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The batch rules in memory: chains, limits, two-phase transfers, idempotency and timestamps. */
class TransferBatchTest {

    private static final TenantId TENANT = TenantId.random();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final Map<AccountId, Account> accounts = new HashMap<>();
    private final Map<TransferId, Transfer> transfers = new HashMap<>();
    private final Map<TransferId, TransferKind> settlements = new HashMap<>();

    private final AccountId funding = account("funding", false, Balances.ZERO);
    private final AccountId budget = account("budget", true, new Balances(0, 100, 0, 0));
    private final AccountId usage = account("usage", false, Balances.ZERO);

    /**
     * Proves: a failing member undoes its whole linked chain (the failing one says why,
     * the others LINKED_EVENT_FAILED) and leaves the batch's other chains and single
     * transfers applied.
     */
    @Test
    void failingLinkedChainIsUndoneAloneAndOthersApply() {
        TransferBatch.Plan plan = plan(
                draft(budget, usage, 30).linked(true),
                draft(budget, usage, 30).linked(true),
                draft(budget, usage, 50).linked(false),   // 110 > 100: the chain fails here
                draft(budget, usage, 10).linked(false),   // a single transfer
                draft(budget, usage, 20).linked(true),
                draft(budget, usage, 25).linked(false));  // a second chain, 55 in all

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.LINKED_EVENT_FAILED, TransferResult.LINKED_EVENT_FAILED,
                TransferResult.EXCEEDS_CREDITS, TransferResult.OK, TransferResult.OK, TransferResult.OK);
        assertThat(plan.created()).extracting(Transfer::amount).containsExactly(10L, 20L, 25L);
        assertThat(changed(plan, budget).balances()).isEqualTo(new Balances(55, 100, 0, 0));
        assertThat(changed(plan, usage).balances()).isEqualTo(new Balances(0, 55, 0, 0));
    }

    /** Proves: a malformed member fails its chain too, and the members after it in the chain are skipped. */
    @Test
    void malformedMemberFailsItsChain() {
        TransferBatch.Plan plan = plan(
                draft(budget, usage, 5).linked(true),
                draft(budget, usage, 0).linked(true),     // amount 0 is malformed
                draft(budget, usage, 5).linked(false),
                draft(funding, budget, 7).linked(false));

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.LINKED_EVENT_FAILED, TransferResult.INVALID_FIELD,
                TransferResult.LINKED_EVENT_FAILED, TransferResult.OK);
        assertThat(plan.outcomes().get(1).field()).isEqualTo("amount");
        assertThat(plan.created()).hasSize(1);
    }

    /** Proves: a batch ending inside a chain applies none of that chain: LINKED_EVENT_CHAIN_OPEN on its last. */
    @Test
    void openChainAtTheEndIsRefused() {
        TransferBatch.Plan plan = plan(
                draft(funding, usage, 1).linked(false),
                draft(funding, usage, 2).linked(true),
                draft(funding, usage, 3).linked(true));

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.OK, TransferResult.LINKED_EVENT_FAILED, TransferResult.LINKED_EVENT_CHAIN_OPEN);
        assertThat(plan.created()).extracting(Transfer::amount).containsExactly(1L);
    }

    /** Proves: pending reservations count against the limit, and a post settles part and releases the rest. */
    @Test
    void pendingReservesAndPartialPostReleasesTheRest() {
        TransferDraftBuilder pending = draft(budget, usage, 80).kind("pending");
        TransferBatch.Plan plan = plan(
                pending,
                draft(budget, usage, 30),                         // 80 pending + 30 > 100
                post(pending.id, 50),
                draft(budget, usage, 50),                         // 50 posted + 50 = 100: fits
                post(pending.id, 0));                             // already posted

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.OK, TransferResult.EXCEEDS_CREDITS, TransferResult.OK, TransferResult.OK,
                TransferResult.PENDING_TRANSFER_ALREADY_POSTED);
        assertThat(changed(plan, budget).balances()).isEqualTo(new Balances(100, 100, 0, 0));
        assertThat(changed(plan, usage).balances()).isEqualTo(new Balances(0, 100, 0, 0));
        Transfer posting = plan.created().get(1);
        assertThat(posting.kind()).isEqualTo(TransferKind.POST_PENDING);
        assertThat(posting.amount()).isEqualTo(50);
        assertThat(posting.code()).as("inherits the pending transfer's code").isEqualTo("test.usage");
    }

    /** Proves: posting more than pending, voiding another amount, and settling a non-pending transfer fail precisely. */
    @Test
    void settlingMistakesAreRefused() {
        TransferDraftBuilder pending = draft(funding, usage, 40).kind("pending");
        TransferDraftBuilder posted = draft(funding, usage, 1);
        TransferBatch.Plan plan = plan(
                pending,
                posted,
                post(pending.id, 41),
                voidOf(pending.id).amount(39),
                post(posted.id, 0),
                post(UUID.randomUUID().toString(), 0),
                voidOf(pending.id),
                post(pending.id, 0));

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.OK, TransferResult.OK, TransferResult.EXCEEDS_PENDING_TRANSFER_AMOUNT,
                TransferResult.EXCEEDS_PENDING_TRANSFER_AMOUNT, TransferResult.PENDING_TRANSFER_NOT_PENDING,
                TransferResult.PENDING_TRANSFER_NOT_FOUND, TransferResult.OK,
                TransferResult.PENDING_TRANSFER_ALREADY_VOIDED);
        assertThat(changed(plan, funding).balances()).isEqualTo(new Balances(1, 0, 0, 0));
    }

    /** Proves: a pending transfer past its timeout can be neither posted nor voided, only expired. */
    @Test
    void expiredPendingCannotBePostedButExpires() {
        Transfer pending = storedPending(budget, usage, 60, NOW.minusSeconds(5));
        TransferBatch.Plan plan = plan(post(pending.id().toString(), 0), voidOf(pending.id().toString()));
        assertThat(plan.outcomes()).extracting(TransferOutcome::result)
                .containsOnly(TransferResult.PENDING_TRANSFER_EXPIRED);

        TransferBatch.Plan expiry = TransferBatch.plan(TENANT,
                List.of(new CheckedTransfer.WellFormed(TransferRequest.expiry(pending.id()))), view(), NOW);
        assertThat(expiry.outcomes().get(0).result()).isEqualTo(TransferResult.OK);
        assertThat(changed(expiry, budget).balances()).isEqualTo(new Balances(0, 100, 0, 0));
    }

    /** Proves: the same id twice in a batch is a replay with the same body, a conflict with another. */
    @Test
    void repeatedIdInABatchIsReplayOrConflict() {
        TransferDraftBuilder first = draft(funding, usage, 5);
        TransferBatch.Plan plan = plan(first, first.copy(), first.copy().amount(6));

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.OK, TransferResult.EXISTS, TransferResult.EXISTS_WITH_DIFFERENT_BODY);
        assertThat(plan.outcomes().get(1).replayed()).isTrue();
        assertThat(plan.outcomes().get(1).transfer()).isEqualTo(plan.outcomes().get(0).transfer());
        assertThat(plan.created()).hasSize(1);
    }

    /** Proves: a balance that would pass 2^63-1 is refused as OVERFLOWS_BALANCE, not wrapped. */
    @Test
    void overflowIsRefused() {
        TransferBatch.Plan plan = plan(draft(funding, usage, Long.MAX_VALUE), draft(funding, usage, 1));
        assertThat(plan.outcomes()).extracting(TransferOutcome::result)
                .containsExactly(TransferResult.OK, TransferResult.OVERFLOWS_BALANCE);
    }

    /**
     * Proves: timestamps increase strictly per account, within a batch and after an
     * account's last transfer even when this replica's clock is behind it.
     */
    @Test
    void timestampsIncreasePerAccountWhateverTheClock() {
        Instant ahead = NOW.plusSeconds(3);
        accounts.put(usage, accounts.get(usage).withBalances(Balances.ZERO, ahead));
        TransferBatch.Plan plan = plan(draft(funding, usage, 1), draft(funding, usage, 1), draft(funding, budget, 1));

        List<Instant> times = plan.created().stream().map(Transfer::timestamp).toList();
        assertThat(times.get(0)).isEqualTo(ahead.plus(1, ChronoUnit.MICROS));
        assertThat(times.get(1)).isAfter(times.get(0));
        assertThat(times.get(2)).isAfter(times.get(1));
        assertThat(changed(plan, usage).lastTransferAt()).contains(times.get(1));
    }

    /** Proves: the accounts to lock come sorted the way PostgreSQL sorts uuids (unsigned bytes). */
    @Test
    void lockOrderIsPostgresUuidOrder() {
        AccountId high = new AccountId(UUID.fromString("ffffffff-0000-4000-8000-000000000000"));
        AccountId low = new AccountId(UUID.fromString("0fffffff-0000-4000-8000-000000000000"));
        List<CheckedTransfer> batch = List.of(TransferRules.check(draft(high, low, 1).build()));
        assertThat(TransferBatch.accountsToLock(batch, List.of())).containsExactly(low, high);
    }

    /**
     * Proves: calls planned as one group end their chains with themselves. A call whose
     * last transfer is linked fails LINKED_EVENT_CHAIN_OPEN in its own batch, and the next
     * call's transfers do not close that chain: they apply, indexed from 0 in their call.
     */
    @Test
    void aGroupedCallsChainNeverReachesIntoTheNextCall() {
        TransferBatch.GroupPlan group = planGroup(
                List.of(draft(funding, usage, 1).linked(true), draft(funding, usage, 2).linked(true)),
                List.of(draft(funding, usage, 3).linked(false)));

        assertThat(group.outcomes().get(0)).extracting(TransferOutcome::result).containsExactly(
                TransferResult.LINKED_EVENT_FAILED, TransferResult.LINKED_EVENT_CHAIN_OPEN);
        assertThat(group.outcomes().get(1)).extracting(TransferOutcome::result).containsExactly(TransferResult.OK);
        assertThat(group.outcomes().get(1).get(0).index()).isEqualTo(0);
        assertThat(group.created()).extracting(Transfer::amount).containsExactly(3L);
    }

    /**
     * Proves: grouped calls see each other as if posted one after another: a later call
     * is held to the balance the earlier ones left (the budget of 100 takes 60 and 40,
     * then refuses 1), and one call's failure changes nothing of its neighbours'.
     */
    @Test
    void groupedCallsSeeTheBalancesTheCallsBeforeThemLeft() {
        TransferBatch.GroupPlan group = planGroup(
                List.of(draft(budget, usage, 60)),
                List.of(draft(budget, usage, 41)),
                List.of(draft(budget, usage, 40)),
                List.of(draft(budget, usage, 1)));

        assertThat(group.outcomes()).extracting(outcomes -> outcomes.get(0).result()).containsExactly(
                TransferResult.OK, TransferResult.EXCEEDS_CREDITS, TransferResult.OK, TransferResult.EXCEEDS_CREDITS);
        Account after = group.changedAccounts().stream().filter(a -> a.id().equals(budget)).findFirst().orElseThrow();
        assertThat(after.balances()).isEqualTo(new Balances(100, 100, 0, 0));
        assertThat(group.created()).extracting(Transfer::timestamp).isSorted().doesNotHaveDuplicates();
    }

    /**
     * Proves: the same transfer sent by two grouped calls is created once: the later call
     * hears EXISTS with the first one's transfer (as a retry does), or
     * EXISTS_WITH_DIFFERENT_BODY when its body differs.
     */
    @Test
    void aTransferIdSentByTwoGroupedCallsIsCreatedOnce() {
        TransferDraftBuilder first = draft(funding, usage, 5);
        TransferDraftBuilder changed = first.copy().amount(6);
        TransferBatch.GroupPlan group = planGroup(List.of(first), List.of(first.copy()), List.of(changed));

        assertThat(group.outcomes()).extracting(outcomes -> outcomes.get(0).result()).containsExactly(
                TransferResult.OK, TransferResult.EXISTS, TransferResult.EXISTS_WITH_DIFFERENT_BODY);
        assertThat(group.outcomes().get(1).get(0).transfer()).isEqualTo(group.outcomes().get(0).get(0).transfer());
        assertThat(group.created()).hasSize(1);
    }

    /** Proves: a group of one plans exactly what the same batch planned alone does. */
    @Test
    void aGroupOfOneIsTheBatchAlone() {
        List<TransferDraftBuilder> drafts = List.of(draft(budget, usage, 30).linked(true),
                draft(budget, usage, 80).linked(false), draft(funding, usage, 4));
        TransferBatch.GroupPlan group = planGroup(drafts);
        TransferBatch.Plan alone = plan(drafts.toArray(TransferDraftBuilder[]::new));

        assertThat(group.outcomes().get(0)).isEqualTo(alone.outcomes());
        assertThat(group.created()).isEqualTo(alone.created());
        assertThat(group.changedAccounts()).isEqualTo(alone.changedAccounts());
    }

    @SafeVarargs
    private TransferBatch.GroupPlan planGroup(List<TransferDraftBuilder>... calls) {
        List<List<CheckedTransfer>> batches = new ArrayList<>();
        for (List<TransferDraftBuilder> call : calls) {
            List<CheckedTransfer> batch = new ArrayList<>();
            call.forEach(draft -> batch.add(TransferRules.check(draft.build())));
            batches.add(batch);
        }
        return TransferBatch.planGroup(TENANT, batches, view(), NOW);
    }

    private AccountId account(String code, boolean debitsMustNotExceedCredits, Balances balances) {
        AccountId id = new AccountId(UUID.randomUUID());
        accounts.put(id, new Account(id, TENANT, code, "CREDIT", debitsMustNotExceedCredits, false, false, balances,
                NOW.minusSeconds(60), Optional.empty(), Optional.empty()));
        return id;
    }

    private Transfer storedPending(AccountId debit, AccountId credit, long amount, Instant expiresAt) {
        Account from = accounts.get(debit);
        Account to = accounts.get(credit);
        Balances debitAfter = from.balances().plus(0, 0, amount, 0).orElseThrow();
        Balances creditAfter = to.balances().plus(0, 0, 0, amount).orElseThrow();
        Transfer pending = new Transfer(TransferId.random(), TENANT, debit, credit, amount, "CREDIT", Optional.empty(),
                TransferKind.PENDING, false, 10, Optional.of(expiresAt), "test.usage", Map.of(),
                PersonalMetadata.NONE, expiresAt.minusSeconds(10), RequestDigest.builder().text("stored").build(), debitAfter, creditAfter);
        transfers.put(pending.id(), pending);
        accounts.put(debit, from.withBalances(debitAfter, pending.timestamp()));
        accounts.put(credit, to.withBalances(creditAfter, pending.timestamp()));
        return pending;
    }

    private LedgerView view() {
        return new LedgerView(accounts, transfers, settlements);
    }

    private TransferBatch.Plan plan(TransferDraftBuilder... drafts) {
        List<CheckedTransfer> batch = new ArrayList<>();
        for (TransferDraftBuilder draft : drafts) {
            batch.add(TransferRules.check(draft.build()));
        }
        return TransferBatch.plan(TENANT, batch, view(), NOW);
    }

    private static Account changed(TransferBatch.Plan plan, AccountId id) {
        return plan.changedAccounts().stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow();
    }

    private static TransferDraftBuilder draft(AccountId debit, AccountId credit, long amount) {
        return new TransferDraftBuilder().debit(debit.toString()).credit(credit.toString()).amount(amount);
    }

    private static TransferDraftBuilder post(String pendingId, long amount) {
        return new TransferDraftBuilder().kind("post_pending").pending(pendingId).amount(amount).code("");
    }

    private static TransferDraftBuilder voidOf(String pendingId) {
        return new TransferDraftBuilder().kind("void_pending").pending(pendingId).amount(0).code("");
    }

    /** A mutable draft for tests; {@link #copy()} keeps the id. */
    static final class TransferDraftBuilder {
        String id = UUID.randomUUID().toString();
        String debit = "";
        String credit = "";
        long amount;
        String pending = "";
        String kind = "posted";
        boolean linked;
        String code = "test.usage";

        TransferDraftBuilder debit(String value) {
            debit = value;
            return this;
        }

        TransferDraftBuilder credit(String value) {
            credit = value;
            return this;
        }

        TransferDraftBuilder amount(long value) {
            amount = value;
            return this;
        }

        TransferDraftBuilder pending(String value) {
            pending = value;
            return this;
        }

        TransferDraftBuilder kind(String value) {
            kind = value;
            return this;
        }

        TransferDraftBuilder linked(boolean value) {
            linked = value;
            return this;
        }

        TransferDraftBuilder code(String value) {
            code = value;
            return this;
        }

        TransferDraftBuilder copy() {
            TransferDraftBuilder copy = new TransferDraftBuilder();
            copy.id = id;
            copy.debit = debit;
            copy.credit = credit;
            copy.amount = amount;
            copy.pending = pending;
            copy.kind = kind;
            copy.linked = linked;
            copy.code = code;
            return copy;
        }

        TransferDraft build() {
            return new TransferDraft(id, debit, credit, BigInteger.valueOf(amount), pending, kind, linked, 0, code,
                    Map.of());
        }
    }
}
