package io.aicunet.ledger.domain;

import java.util.Map;
import java.util.Objects;

/**
 * What the database showed a batch once it held the locks of every account the
 * batch touches: those accounts, the transfers the batch names (its own ids and the
 * pending transfers it settles), and how each of those pending transfers was settled.
 *
 * @param settlements pending transfer id to the kind of the transfer that settled it
 */
public record LedgerView(Map<AccountId, Account> accounts, Map<TransferId, Transfer> transfers,
                         Map<TransferId, TransferKind> settlements) {

    public LedgerView {
        accounts = Map.copyOf(Objects.requireNonNull(accounts, "accounts"));
        transfers = Map.copyOf(Objects.requireNonNull(transfers, "transfers"));
        settlements = Map.copyOf(Objects.requireNonNull(settlements, "settlements"));
    }
}
