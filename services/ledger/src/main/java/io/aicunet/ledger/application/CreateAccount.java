package io.aicunet.ledger.application;

import io.aicunet.ledger.application.LedgerCommands.CreateAccountCommand;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.AccountRules;
import io.aicunet.ledger.domain.AccountSpec;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Opens an account with a client-chosen id, once: the same id with the same code,
 * unit and flags returns the account as a replay; with another body it is a conflict.
 */
@ApplicationScoped
public class CreateAccount {

    public static final String ACTION = "ledger.accounts.create";

    /** What CreateAccount produced; {@code replayed} when the account existed with the same body. */
    public record Created(Account account, boolean replayed) {
    }

    private final LedgerAccess access;
    private final Accounts accounts;

    public CreateAccount(LedgerAccess access, Accounts accounts) {
        this.access = access;
        this.accounts = accounts;
    }

    public Uni<Result<Created>> execute(Caller caller, CreateAccountCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AccountId> id = AccountId.parse(command.accountId());
        if (id.isEmpty()) {
            violations.add(new FieldViolation("id", "must be a UUID other than the nil UUID"));
        }
        AccountRules.checkCode("code", command.code(), violations);
        AccountRules.checkUnit(command.unit(), violations);
        AccountRules.checkFlags(command.debitsMustNotExceedCredits(), command.creditsMustNotExceedDebits(),
                violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        AccountSpec spec = new AccountSpec(command.code(), command.unit(), command.debitsMustNotExceedCredits(),
                command.creditsMustNotExceedDebits());
        return access.inTenant(caller, command.tenantId(), ACTION, "account", id.get().toString(),
                (connection, tenant) -> {
                    Account account = Account.open(id.get(), tenant, spec,
                            Instant.now().truncatedTo(ChronoUnit.MICROS));
                    return accounts.insert(connection, account).flatMap(inserted -> inserted
                            ? Uni.createFrom().item(Result.ok(new Created(account, false)))
                            : accounts.find(connection, tenant, id.get()).map(existing -> replay(
                                    existing.orElseThrow(() -> new IllegalStateException(
                                            "account " + id.get() + " exists but cannot be read")), spec)));
                });
    }

    private static Result<Created> replay(Account existing, AccountSpec spec) {
        if (!existing.spec().equals(spec)) {
            return Result.failed(new Problem.Conflict("ACCOUNT_EXISTS_WITH_DIFFERENT_BODY",
                    "account " + existing.id() + " exists with code " + existing.code() + ", unit "
                            + existing.unit() + " and other flags than requested"));
        }
        return Result.ok(new Created(existing, true));
    }
}
