package io.aicunet.ledger.domain;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the database showed a batch once it held the locks of every account the
 * batch touches: those accounts, the transfers the batch names (its own ids and the
 * pending transfers it settles), and how each of those pending transfers was settled.
 *
 * @param settlements pending transfer id to the kind of the transfer that settled it
 * @param tokenBudget the tenant's token budget, when the batch touches its budget account
 */
public record LedgerView(Map<AccountId, Account> accounts, Map<TransferId, Transfer> transfers,
                         Map<TransferId, TransferKind> settlements, Optional<TokenBudget> tokenBudget) {

    public LedgerView {
        accounts = Map.copyOf(Objects.requireNonNull(accounts, "accounts"));
        transfers = Map.copyOf(Objects.requireNonNull(transfers, "transfers"));
        settlements = Map.copyOf(Objects.requireNonNull(settlements, "settlements"));
        Objects.requireNonNull(tokenBudget, "tokenBudget");
        if (tokenBudget.isPresent() && !accounts.containsKey(tokenBudget.get().account())) {
            throw new IllegalArgumentException("a token budget is read only with its account "
                    + tokenBudget.get().account() + " locked");
        }
    }

    /** A view of a batch that does not touch the tenant's token-budget account. */
    public LedgerView(Map<AccountId, Account> accounts, Map<TransferId, Transfer> transfers,
                      Map<TransferId, TransferKind> settlements) {
        this(accounts, transfers, settlements, Optional.empty());
    }
}
