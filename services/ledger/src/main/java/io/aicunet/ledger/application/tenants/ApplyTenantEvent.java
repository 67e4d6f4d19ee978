package io.aicunet.ledger.application.tenants;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.Accounts;
import io.aicunet.ledger.application.port.LedgerTenants;
import io.aicunet.ledger.config.LedgerServiceConfig;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.AccountRules;
import io.aicunet.ledger.domain.AccountSpec;
import io.aicunet.platform.outbox.Inbox;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Follows the tenant service's events: TenantCreated opens the tenant's default
 * accounts, TenantCreated and TenantUpdated set its daily token quota (and an update
 * opens default accounts the tenant lacks, e.g. the token accounts of a tenant created
 * before they were in the list), TenantSuspended stops its new debits,
 * TenantReactivated allows them again. Each event is applied once: its id goes into
 * the inbox in the same transaction as its change, so a new quota counts for every
 * batch that begins after that transaction commits, on every replica.
 */
@ApplicationScoped
@Startup
public class ApplyTenantEvent {

    /** The inbox name of this consumer. */
    public static final String CONSUMER = "ledger.tenant-events";

    private static final Logger LOG = Logger.getLogger(ApplyTenantEvent.class);

    private final LedgerAccess access;
    private final Accounts accounts;
    private final LedgerTenants tenants;
    private final List<AccountSpec> defaultAccounts;

    public ApplyTenantEvent(LedgerAccess access, Accounts accounts, LedgerTenants tenants,
                            LedgerServiceConfig config) {
        this.access = access;
        this.accounts = accounts;
        this.tenants = tenants;
        this.defaultAccounts = parseDefaultAccounts(config.defaultAccounts());
        checkTokenBudget(defaultAccounts, config.tokenBudget().accountCode(),
                config.tokenBudget().unknownTenantTokensPerDay());
    }

    /**
     * The token budget's settings against the default accounts; a mistake stops the
     * service at start-up (this bean is created then), naming the setting.
     */
    static void checkTokenBudget(List<AccountSpec> defaults, String accountCode, long unknownTenantTokensPerDay) {
        if (defaults.stream().noneMatch(spec -> spec.code().equals(accountCode))) {
            throw new IllegalArgumentException("ledger.token-budget.account-code '" + accountCode
                    + "' is not the code of one of ledger.default-accounts "
                    + defaults.stream().map(AccountSpec::code).toList());
        }
        if (unknownTenantTokensPerDay < 0) {
            throw new IllegalArgumentException("ledger.token-budget.unknown-tenant-tokens-per-day must be 0 or more,"
                    + " not " + unknownTenantTokensPerDay);
        }
    }

    /** Applies the event unless it was applied before; true when it changed something now. */
    public Uni<Boolean> apply(TenantEvent event) {
        return TenantTransactions.<Boolean>inTenant(access.pool(), TenantScope.of(event.tenant()),
                        connection -> Inbox.firstDelivery(connection, CONSUMER, event.eventId())
                                .flatMap(first -> first
                                        ? applyFirst(connection, event).map(Result::ok)
                                        : Uni.createFrom().item(Result.ok(false))))
                .map(Result::value);
    }

    private Uni<Boolean> applyFirst(SqlConnection connection, TenantEvent event) {
        Instant at = event.time().truncatedTo(ChronoUnit.MICROS);
        if (event.change() instanceof TenantEvent.Created created) {
            return tenants.markActive(connection, event.tenant(), at)
                    .flatMap(ignored -> applyQuota(connection, event.tenant(), created.quota()))
                    .flatMap(ignored -> accounts.insertMissing(connection, defaultAccountsOf(event.tenant(), at)))
                    .invoke(opened -> LOG.infof("tenant %s created: opened %d default accounts", event.tenant(),
                            opened))
                    .replaceWith(true);
        }
        if (event.change() instanceof TenantEvent.Updated updated) {
            if (updated.quota().isEmpty()) {
                return Uni.createFrom().item(false);
            }
            return applyQuota(connection, event.tenant(), updated.quota())
                    .flatMap(ignored -> accounts.insertMissing(connection, defaultAccountsOf(event.tenant(), at)))
                    .invoke(opened -> {
                        if (opened > 0) {
                            LOG.infof("tenant %s updated: opened %d missing default accounts", event.tenant(),
                                    opened);
                        }
                    })
                    .replaceWith(true);
        }
        if (event.change() instanceof TenantEvent.Suspended suspended) {
            String reason = suspended.reason().isBlank() ? "suspended by the tenant service" : suspended.reason();
            return tenants.markSuspended(connection, event.tenant(), reason, at).replaceWith(true);
        }
        if (event.change() instanceof TenantEvent.Reactivated) {
            return tenants.markActive(connection, event.tenant(), at).replaceWith(true);
        }
        // Other tenant events (e.g. TenantOffboarded) do not concern the ledger.
        return Uni.createFrom().item(false);
    }

    private Uni<Void> applyQuota(SqlConnection connection, TenantId tenant, Optional<TenantEvent.TokenQuota> quota) {
        if (quota.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tenants.applyTokenQuota(connection, tenant, quota.get().tokensPerDay(), quota.get().version());
    }

    /** The id of a tenant's default account with this code: the same in every replica and for every caller. */
    public static AccountId defaultAccountId(TenantId tenant, String code) {
        return new AccountId(UUID.nameUUIDFromBytes((tenant + "/" + code).getBytes(StandardCharsets.UTF_8)));
    }

    private List<Account> defaultAccountsOf(TenantId tenant, Instant at) {
        List<Account> opened = new ArrayList<>(defaultAccounts.size());
        for (AccountSpec spec : defaultAccounts) {
            opened.add(Account.open(defaultAccountId(tenant, spec.code()), tenant, spec, at));
        }
        return opened;
    }

    /** Reads {@code code:UNIT[:flag]} entries; a malformed entry stops the service at start-up. */
    static List<AccountSpec> parseDefaultAccounts(List<String> entries) {
        List<AccountSpec> specs = new ArrayList<>();
        for (String entry : entries) {
            String[] parts = entry.trim().split(":");
            if (parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException("ledger.default-accounts entry '" + entry
                        + "' is not code:UNIT[:flag]");
            }
            String flag = parts.length == 3 ? parts[2].toLowerCase(Locale.ROOT) : "";
            if (!flag.isEmpty() && !flag.equals("debits_must_not_exceed_credits")
                    && !flag.equals("credits_must_not_exceed_debits")) {
                throw new IllegalArgumentException("ledger.default-accounts entry '" + entry + "' has unknown flag "
                        + flag);
            }
            List<Problem.FieldViolation> violations = new ArrayList<>();
            AccountRules.checkCode("code", parts[0], violations);
            AccountRules.checkUnit(parts[1], violations);
            if (!violations.isEmpty()) {
                throw new IllegalArgumentException("ledger.default-accounts entry '" + entry + "': " + violations);
            }
            specs.add(new AccountSpec(parts[0], parts[1], flag.equals("debits_must_not_exceed_credits"),
                    flag.equals("credits_must_not_exceed_debits")));
        }
        return List.copyOf(specs);
    }
}
