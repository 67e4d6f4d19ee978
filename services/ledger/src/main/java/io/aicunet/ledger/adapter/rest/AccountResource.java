package io.aicunet.ledger.adapter.rest;

import io.aicunet.ledger.adapter.rest.LedgerJson.AccountBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.BalanceBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.CreateAccountBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.TransferBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.TransferPageBody;
import io.aicunet.ledger.application.accounts.AccountQuery;
import io.aicunet.ledger.application.accounts.BalanceQuery;
import io.aicunet.ledger.application.accounts.CloseAccount;
import io.aicunet.ledger.application.accounts.CreateAccount;
import io.aicunet.ledger.application.accounts.CreateAccountCommand;
import io.aicunet.ledger.application.accounts.GetAccount;
import io.aicunet.ledger.application.accounts.GetAccountBalance;
import io.aicunet.ledger.application.accounts.ListAccountTransfers;
import io.aicunet.ledger.application.accounts.StatementQuery;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Accounts over REST, the same use cases as gRPC. Every call carries a bearer
 * token; {@code tenant_id} (query or body) names the tenant, else the caller's
 * own. Failures are application/problem+json.
 */
@Path("/v1/accounts")
@Tag(name = "accounts")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class AccountResource {

    private final CreateAccount createAccount;
    private final GetAccount getAccount;
    private final CloseAccount closeAccount;
    private final GetAccountBalance getAccountBalance;
    private final ListAccountTransfers listAccountTransfers;

    public AccountResource(CreateAccount createAccount, GetAccount getAccount, CloseAccount closeAccount,
                           GetAccountBalance getAccountBalance, ListAccountTransfers listAccountTransfers) {
        this.createAccount = createAccount;
        this.getAccount = getAccount;
        this.closeAccount = closeAccount;
        this.getAccountBalance = getAccountBalance;
        this.listAccountTransfers = listAccountTransfers;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Open an account with a client-chosen id",
            description = "Idempotent by id: the same body again answers 200 with the account; another body 409.")
    public Uni<Response> create(CreateAccountBody body) {
        if (body == null) {
            return missingBody();
        }
        CreateAccountCommand command = new CreateAccountCommand(body.tenantId(), body.id(), body.code(), body.unit(),
                body.debitsMustNotExceedCredits(), body.creditsMustNotExceedDebits(), body.subjectId());
        return HttpCallers.serve(caller -> createAccount.execute(caller, command),
                created -> Response.status(created.replayed() ? 200 : 201)
                        .entity(AccountBody.of(created.account()))
                        .header("Location", "/v1/accounts/" + created.account().id())
                        .build());
    }

    @GET
    @Path("/{accountId}")
    @Operation(summary = "Read an account with its current balances")
    public Uni<Response> get(@PathParam("accountId") String accountId,
                             @QueryParam("tenant_id") String tenantId) {
        return HttpCallers.serve(caller -> getAccount.execute(caller, new AccountQuery(tenantId, accountId)),
                account -> Response.ok(AccountBody.of(account)).build());
    }

    @POST
    @Path("/{accountId}/closure")
    @Operation(summary = "Close an account", description = "It takes no new transfers; pending ones may be voided.")
    public Uni<Response> close(@PathParam("accountId") String accountId,
                               @QueryParam("tenant_id") String tenantId) {
        return HttpCallers.serve(caller -> closeAccount.execute(caller, new AccountQuery(tenantId, accountId)),
                account -> Response.ok(AccountBody.of(account)).build());
    }

    @GET
    @Path("/{accountId}/balance")
    @Operation(summary = "An account's balances, now or as of a past time")
    public Uni<Response> balance(@PathParam("accountId") String accountId,
                                 @QueryParam("tenant_id") String tenantId,
                                 @Parameter(description = "ISO-8601 instant, e.g. 2026-01-31T23:59:59Z; omitted: now")
                                 @QueryParam("as_of") String asOf) {
        Optional<Instant> at = Optional.empty();
        if (asOf != null && !asOf.isEmpty()) {
            try {
                at = Optional.of(Instant.parse(asOf));
            } catch (DateTimeParseException notInstant) {
                return Uni.createFrom().item(HttpProblems.toResponse(Problem.InvalidArgument.of("as_of",
                        "must be an ISO-8601 instant such as 2026-01-31T23:59:59Z")));
            }
        }
        BalanceQuery query = new BalanceQuery(tenantId, accountId, at);
        return HttpCallers.serve(caller -> getAccountBalance.execute(caller, query),
                balance -> Response.ok(BalanceBody.of(balance)).build());
    }

    @GET
    @Path("/{accountId}/transfers")
    @Operation(summary = "An account's statement: its transfers by timestamp, a page at a time")
    public Uni<Response> statement(@PathParam("accountId") String accountId,
                                   @QueryParam("tenant_id") String tenantId,
                                   @Parameter(description = "1 to 1000; 0 or omitted means 100")
                                   @QueryParam("page_size") @DefaultValue("0") int pageSize,
                                   @QueryParam("page_token") String pageToken) {
        StatementQuery query = new StatementQuery(tenantId, accountId, pageSize, pageToken);
        return HttpCallers.serve(caller -> listAccountTransfers.execute(caller, query),
                page -> Response.ok(new TransferPageBody(page.transfers().stream().map(TransferBody::of).toList(),
                        page.nextPageToken())).build());
    }

    static Uni<Response> missingBody() {
        return Uni.createFrom().item(HttpProblems.toResponse(
                Problem.InvalidArgument.of("body", "a JSON body is required")));
    }
}
