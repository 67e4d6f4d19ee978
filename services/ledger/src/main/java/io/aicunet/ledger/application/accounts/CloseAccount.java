package io.aicunet.ledger.application.accounts;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.Accounts;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Closes an account: it takes no new transfers and no posts of pending ones; its
 * pending transfers can still be voided or expire. Closing twice is harmless.
 */
@ApplicationScoped
public class CloseAccount {

    public static final String ACTION = "ledger.accounts.close";

    private final LedgerAccess access;
    private final Accounts accounts;

    public CloseAccount(LedgerAccess access, Accounts accounts) {
        this.access = access;
        this.accounts = accounts;
    }

    public Uni<Result<Account>> execute(Caller caller, AccountQuery query) {
        Optional<AccountId> id = AccountId.parse(query.accountId());
        if (id.isEmpty()) {
            return Uni.createFrom().item(Result.failed(Problem.InvalidArgument.of("account_id", "must be a UUID")));
        }
        return access.inTenant(caller, query.tenantId(), ACTION, "account", id.get().toString(),
                (connection, tenant) -> accounts.close(connection, tenant, id.get()).map(closed -> closed
                        .<Result<Account>>map(Result::ok)
                        .orElseGet(() -> Result.failed(new Problem.NotFound("account", query.accountId())))));
    }
}
