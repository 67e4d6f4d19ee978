package io.aicunet.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.RequestDigest;
import io.aicunet.platform.tenancy.TenantId;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The daily token budget in memory: what a batch may reserve and post from the
 * tenant's budget account on a UTC day, and what it changes of each day.
 */
class TokenBudgetBatchTest {

    private static final TenantId TENANT = TenantId.random();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final LocalDate TODAY = LocalDate.parse("2026-03-01");

    private final Map<AccountId, Account> accounts = new HashMap<>();
    private final Map<TransferId, Transfer> transfers = new HashMap<>();
    private final Map<LocalDate, TokenDay> days = new HashMap<>();
    private final AccountId tokens = account("tokens");
    private final AccountId used = account("tokens-used");
    private final AccountId other = account("other");

    /**
     * Proves: exactly the budget reserved in parts passes, one more token is refused with
     * EXCEEDS_TOKEN_BUDGET naming the day, the budget, what is used, reserved and
     * requested, and the day's change is the sum of what passed.
     */
    @Test
    void exactlyTheBudgetPassesAndOneMoreTokenIsRefused() {
        TransferBatch.Plan plan = plan(100, NOW, pending(tokens, used, 40), pending(tokens, used, 60),
                pending(tokens, used, 1));

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.OK, TransferResult.OK, TransferResult.EXCEEDS_TOKEN_BUDGET);
        TransferOutcome refused = plan.outcomes().get(2);
        assertThat(refused.field()).isEqualTo("amount");
        assertThat(refused.detail()).contains("for 2026-03-01 (UTC) is 100 tokens: 0 used, 100 reserved, 1 requested,"
                + " 0 left");
        assertThat(plan.tokenDayChanges()).containsExactly(new TokenDay(TODAY, 100, 0));
    }

    /**
     * Proves: posting less than reserved uses what was posted and frees the rest on the
     * reservation's day, so a new reservation of exactly what is left passes, one more
     * token does not.
     */
    @Test
    void postingLessFreesTheRest() {
        Transfer reserved = storedPending(60, NOW.minusSeconds(600));
        days.put(TODAY, new TokenDay(TODAY, 60, 0));

        TransferBatch.Plan plan = plan(100, NOW, post(reserved.id(), 25), pending(tokens, used, 75),
                pending(tokens, used, 1));

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.OK, TransferResult.OK, TransferResult.EXCEEDS_TOKEN_BUDGET);
        assertThat(plan.outcomes().get(2).detail()).contains("25 used, 75 reserved, 1 requested, 0 left");
        assertThat(plan.tokenDayChanges()).containsExactly(new TokenDay(TODAY, -60 + 75, 25));
    }

    /** Proves: a void and an expiry each free their whole reservation, and nothing of it counts as used. */
    @Test
    void voidAndExpiryFreeTheReservation() {
        Transfer voided = storedPending(30, NOW.minusSeconds(600));
        Transfer expired = storedPending(70, NOW.minusSeconds(500));
        days.put(TODAY, new TokenDay(TODAY, 100, 0));

        List<CheckedTransfer> batch = new ArrayList<>();
        batch.add(TransferRules.check(voidOf(voided.id())));
        batch.add(new CheckedTransfer.WellFormed(TransferRequest.expiry(expired.id())));
        batch.add(TransferRules.check(pending(tokens, used, 100).build()));
        batch.add(TransferRules.check(pending(tokens, used, 1).build()));
        TransferBatch.Plan plan = TransferBatch.plan(TENANT, batch, view(100, NOW), NOW);

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(TransferResult.OK,
                TransferResult.OK, TransferResult.OK, TransferResult.EXCEEDS_TOKEN_BUDGET);
        assertThat(plan.tokenDayChanges()).as("100 released, 100 reserved again: no change to write").isEmpty();
    }

    /**
     * Proves: the next UTC day has the whole budget although the day before is used up,
     * and a reservation of the day before posted on the new day counts on the day before.
     */
    @Test
    void theNextUtcDayHasAFreshBudget() {
        LocalDate yesterday = TODAY.minusDays(1);
        Transfer lateReservation = storedPending(40, Instant.parse("2026-02-28T23:59:59Z"));
        days.put(yesterday, new TokenDay(yesterday, 40, 60));
        Instant midnight = Instant.parse("2026-03-01T00:00:00Z");

        TransferBatch.Plan plan = plan(100, midnight, Set.of(yesterday), posted(tokens, used, 100),
                post(lateReservation.id(), 0), pending(tokens, used, 1));

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.OK, TransferResult.OK, TransferResult.EXCEEDS_TOKEN_BUDGET);
        assertThat(plan.tokenDayChanges()).containsExactly(new TokenDay(yesterday, -40, 40),
                new TokenDay(TODAY, 0, 100));
    }

    /**
     * Proves: posted debits count as used; credits to the budget account and debits of
     * other accounts do not count; a failed linked chain gives its tokens back.
     */
    @Test
    void onlyDebitsOfTheBudgetAccountCountAndFailedChainsGiveTokensBack() {
        TransferBatch.Plan plan = plan(50, NOW,
                posted(tokens, used, 20),
                posted(used, tokens, 500),                               // a credit: the budget stays 50
                posted(other, used, 1_000).code("other"),
                pending(tokens, used, 30).linked(true),
                posted(tokens, used, 1).amount(0),                       // malformed: its chain fails
                pending(tokens, used, 30));

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.OK, TransferResult.OK, TransferResult.OK, TransferResult.LINKED_EVENT_FAILED,
                TransferResult.INVALID_FIELD, TransferResult.OK);
        assertThat(plan.tokenDayChanges()).containsExactly(new TokenDay(TODAY, 30, 20));
    }

    /**
     * Proves: a budget lowered below what the day holds refuses every new debit (0 left)
     * while reservations made before are still posted in full.
     */
    @Test
    void aLoweredBudgetRefusesNewDebitsButPostsReservations() {
        Transfer reserved = storedPending(80, NOW.minusSeconds(60));
        days.put(TODAY, new TokenDay(TODAY, 80, 10));

        TransferBatch.Plan plan = plan(50, NOW, pending(tokens, used, 1), post(reserved.id(), 80));

        assertThat(plan.outcomes()).extracting(TransferOutcome::result).containsExactly(
                TransferResult.EXCEEDS_TOKEN_BUDGET, TransferResult.OK);
        assertThat(plan.outcomes().get(0).detail()).contains("is 50 tokens: 10 used, 80 reserved, 1 requested,"
                + " 0 left");
        assertThat(plan.tokenDayChanges()).containsExactly(new TokenDay(TODAY, -80, 80));
    }

    /**
     * Proves: settling a reservation of a day the batch did not read (committed after
     * the batch looked for its pending transfers) is refused as not found, changing
     * nothing, rather than counted on a day whose numbers the batch does not know.
     */
    @Test
    void aReservationOfADayNotReadIsNotFoundForTheBatch() {
        Transfer reserved = storedPending(10, Instant.parse("2026-02-27T10:00:00Z"));

        TransferBatch.Plan plan = plan(100, NOW, post(reserved.id(), 0));

        assertThat(plan.outcomes().get(0).result()).isEqualTo(TransferResult.PENDING_TRANSFER_NOT_FOUND);
        assertThat(plan.created()).isEmpty();
        assertThat(plan.tokenDayChanges()).isEmpty();
    }

    /** Proves: a refusal under the unknown-tenant budget says the tenant service's quota has not arrived. */
    @Test
    void theUnknownTenantBudgetSaysSo() {
        TokenBudget unknown = new TokenBudget(tokens, 0, false, TODAY, Set.of(), Map.of());
        List<CheckedTransfer> batch = List.of(TransferRules.check(pending(tokens, used, 1).build()));

        TransferBatch.Plan plan = TransferBatch.plan(TENANT, batch,
                new LedgerView(accounts, transfers, Map.of(), Optional.of(unknown)), NOW);

        assertThat(plan.outcomes().get(0).result()).isEqualTo(TransferResult.EXCEEDS_TOKEN_BUDGET);
        assertThat(plan.outcomes().get(0).detail()).contains("is 0 tokens (the ledger's setting for tenants the"
                + " tenant service has not told it about yet)");
    }

    private AccountId account(String code) {
        AccountId id = new AccountId(UUID.randomUUID());
        accounts.put(id, new Account(id, TENANT, code, "TOKEN", false, false, false, Balances.ZERO,
                NOW.minusSeconds(86_400 * 10), Optional.empty(), Optional.empty()));
        return id;
    }

    private Transfer storedPending(long amount, Instant at) {
        Account from = accounts.get(tokens);
        Account to = accounts.get(used);
        Balances debitAfter = from.balances().plus(0, 0, amount, 0).orElseThrow();
        Balances creditAfter = to.balances().plus(0, 0, 0, amount).orElseThrow();
        Transfer pending = new Transfer(TransferId.random(), TENANT, tokens, used, amount, "TOKEN", Optional.empty(),
                TransferKind.PENDING, false, 0, Optional.empty(), "agent.run", Map.of(), PersonalMetadata.NONE, at,
                RequestDigest.builder().text("stored").build(), debitAfter, creditAfter);
        transfers.put(pending.id(), pending);
        accounts.put(tokens, from.withBalances(debitAfter, at));
        accounts.put(used, to.withBalances(creditAfter, at));
        return pending;
    }

    private LedgerView view(long tokensPerDay, Instant now, Set<LocalDate> pastDays) {
        TokenBudget budget = new TokenBudget(tokens, tokensPerDay, true, TokenBudget.dayOf(now), pastDays, days);
        return new LedgerView(accounts, transfers, Map.of(), Optional.of(budget));
    }

    private LedgerView view(long tokensPerDay, Instant now) {
        return view(tokensPerDay, now, Set.of());
    }

    private TransferBatch.Plan plan(long tokensPerDay, Instant now, Set<LocalDate> pastDays, Draft... drafts) {
        List<CheckedTransfer> batch = new ArrayList<>();
        for (Draft draft : drafts) {
            batch.add(TransferRules.check(draft.build()));
        }
        return TransferBatch.plan(TENANT, batch, view(tokensPerDay, now, pastDays), now);
    }

    private TransferBatch.Plan plan(long tokensPerDay, Instant now, Draft... drafts) {
        return plan(tokensPerDay, now, Set.of(), drafts);
    }

    private static Draft posted(AccountId debit, AccountId credit, long amount) {
        return new Draft("posted", debit.toString(), credit.toString(), amount, "");
    }

    private static Draft pending(AccountId debit, AccountId credit, long amount) {
        return new Draft("pending", debit.toString(), credit.toString(), amount, "");
    }

    private static Draft post(TransferId pending, long amount) {
        return new Draft("post_pending", "", "", amount, pending.toString()).code("");
    }

    private static TransferDraft voidOf(TransferId pending) {
        return new Draft("void_pending", "", "", 0, pending.toString()).code("").build();
    }

    /** A transfer as a caller would send it. */
    private static final class Draft {
        private final String kind;
        private final String debit;
        private final String credit;
        private final String pendingId;
        private long amount;
        private boolean linked;
        private String code = "agent.run";

        Draft(String kind, String debit, String credit, long amount, String pendingId) {
            this.kind = kind;
            this.debit = debit;
            this.credit = credit;
            this.amount = amount;
            this.pendingId = pendingId;
        }

        Draft linked(boolean value) {
            linked = value;
            return this;
        }

        Draft code(String value) {
            code = value;
            return this;
        }

        Draft amount(long value) {
            amount = value;
            return this;
        }

        TransferDraft build() {
            return new TransferDraft(UUID.randomUUID().toString(), debit, credit, BigInteger.valueOf(amount),
                    pendingId, kind, linked, 0, code, Map.of());
        }
    }
}
