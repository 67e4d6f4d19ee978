package io.aicunet.ledger.application.accounts;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.Accounts;
import io.aicunet.ledger.application.port.Transfers;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.Balances;
import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * An account's balances now, or as of a past time: the balances its last transfer
 * at or before that time left (every transfer records them), found through an index
 * in one step however long the account's history is.
 */
@ApplicationScoped
public class GetAccountBalance {

    public static final String ACTION = "ledger.balances.read";

    /** Balances and the time of the transfer that left them (empty: no transfer by then). */
    public record BalanceAt(AccountId account, Balances balances, Optional<Instant> lastTransferAt) {
    }

    private final LedgerAccess access;
    private final Accounts accounts;
    private final Transfers transfers;

    public GetAccountBalance(LedgerAccess access, Accounts accounts, Transfers transfers) {
        this.access = access;
        this.accounts = accounts;
        this.transfers = transfers;
    }

    public Uni<Result<BalanceAt>> execute(Caller caller, BalanceQuery query) {
        Optional<AccountId> id = AccountId.parse(query.accountId());
        if (id.isEmpty()) {
            return Uni.createFrom().item(Result.failed(Problem.InvalidArgument.of("account_id", "must be a UUID")));
        }
        String asOfProblem = query.asOf().map(InputChecks::timestampProblem).orElse(null);
        if (asOfProblem != null) {
            return Uni.createFrom().item(Result.failed(Problem.InvalidArgument.of("as_of", asOfProblem)));
        }
        return access.inTenant(caller, query.tenantId(), ACTION, "account", id.get().toString(),
                (connection, tenant) -> accounts.find(connection, tenant, id.get()).flatMap(account -> {
                    if (account.isEmpty()) {
                        return Uni.createFrom().item(Result.failed(new Problem.NotFound("account",
                                query.accountId())));
                    }
                    if (query.asOf().isEmpty()) {
                        return Uni.createFrom().item(Result.ok(new BalanceAt(id.get(), account.get().balances(),
                                account.get().lastTransferAt())));
                    }
                    return transfers.lastAtOrBefore(connection, tenant, id.get(), query.asOf().get())
                            .map(last -> Result.ok(last
                                    .map(transfer -> new BalanceAt(id.get(), transfer.balancesAfter(id.get()),
                                            Optional.of(transfer.timestamp())))
                                    .orElseGet(() -> new BalanceAt(id.get(), Balances.ZERO, Optional.empty()))));
                }));
    }
}
