package io.aicunet.ledger.application.accounts;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.Accounts;
import io.aicunet.ledger.application.privacy.PersonalDataCipher;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.AccountRules;
import io.aicunet.ledger.domain.AccountSpec;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Opens an account with a client-chosen id, once: the same id with the same code,
 * unit, flags and subject returns the account as a replay; with another body it is a
 * conflict. An account naming a data subject is personal data: the tenant must have a
 * data key (the ledger stores personal data only for tenants the tenant service knows).
 */
@ApplicationScoped
public class CreateAccount {

    public static final String ACTION = "ledger.accounts.create";

    /** What CreateAccount produced; {@code replayed} when the account existed with the same body. */
    public record Created(Account account, boolean replayed) {
    }

    private final LedgerAccess access;
    private final Accounts accounts;
    private final PersonalDataCipher cipher;

    public CreateAccount(LedgerAccess access, Accounts accounts, PersonalDataCipher cipher) {
        this.access = access;
        this.accounts = accounts;
        this.cipher = cipher;
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
        AccountRules.checkSubject(command.subjectId(), violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        Optional<String> subject = Optional.ofNullable(command.subjectId()).filter(s -> !s.isEmpty());
        AccountSpec spec = new AccountSpec(command.code(), command.unit(), command.debitsMustNotExceedCredits(),
                command.creditsMustNotExceedDebits(), subject);
        Function<TenantId, Uni<Result<Boolean>>> keyCheck = subject.isPresent()
                ? tenant -> cipher.keyForWriting(tenant).map(key -> key.map(found -> true))
                : tenant -> Uni.createFrom().item(Result.ok(true));
        return access.<Created>admitted(caller, command.tenantId(), ACTION, "account", id.get().toString(),
                tenant -> keyCheck.apply(tenant).flatMap(checked -> !checked.isOk()
                        ? Uni.createFrom().item(Result.<Created>failed(checked.problem()))
                        : access.transaction(tenant, connection -> {
                            Account account = Account.open(id.get(), tenant, spec,
                                    Instant.now().truncatedTo(ChronoUnit.MICROS));
                            return accounts.insert(connection, account).flatMap(inserted -> inserted
                                    ? Uni.createFrom().item(Result.ok(new Created(account, false)))
                                    : accounts.find(connection, tenant, id.get()).map(existing -> replay(
                                            existing.orElseThrow(() -> new IllegalStateException(
                                                    "account " + id.get() + " exists but cannot be read")), spec)));
                        })));
    }

    private static Result<Created> replay(Account existing, AccountSpec spec) {
        if (!existing.spec().equals(spec)) {
            return Result.failed(new Problem.Conflict("ACCOUNT_EXISTS_WITH_DIFFERENT_BODY",
                    "account " + existing.id() + " exists with code " + existing.code() + ", unit "
                            + existing.unit() + " and other flags or another subject than requested"));
        }
        return Result.ok(new Created(existing, true));
    }
}
