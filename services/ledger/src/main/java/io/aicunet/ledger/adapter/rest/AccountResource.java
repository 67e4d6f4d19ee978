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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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
    @APIResponse(responseCode = "201", description = "Opened.",
            headers = @Header(name = "Location", description = "The account's path.", required = true,
                    schema = @Schema(type = SchemaType.STRING, format = "uri-reference")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AccountBody.class)))
    @APIResponse(responseCode = "200", description = "It existed with this body: a replay.",
            headers = @Header(name = "Location", description = "The account's path.", required = true,
                    schema = @Schema(type = SchemaType.STRING, format = "uri-reference")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AccountBody.class)))
    @APIResponse(responseCode = "409", description = "An account with this id exists with another body.")
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
    @APIResponse(responseCode = "200", description = "The account.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountBody.class)))
    @APIResponse(responseCode = "404", description = "No such account in this tenant.")
    public Uni<Response> get(@Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid",
                                     pattern = LedgerJson.UUID_PATTERN))
                             @PathParam("accountId") String accountId,
                             @Parameter(description = LedgerJson.TENANT_ID_DESCRIPTION, schema = @Schema(
                                     type = SchemaType.STRING, pattern = LedgerJson.TENANT_ID_PATTERN))
                             @QueryParam("tenant_id") String tenantId) {
        return HttpCallers.serve(caller -> getAccount.execute(caller, new AccountQuery(tenantId, accountId)),
                account -> Response.ok(AccountBody.of(account)).build());
    }

    @POST
    @Path("/{accountId}/closure")
    @Operation(summary = "Close an account", description = "It takes no new transfers; pending ones may be voided."
            + " Closing a closed account answers it again.")
    @APIResponse(responseCode = "200", description = "The account, closed.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountBody.class)))
    @APIResponse(responseCode = "404", description = "No such account in this tenant.")
    public Uni<Response> close(@Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid",
                                       pattern = LedgerJson.UUID_PATTERN))
                               @PathParam("accountId") String accountId,
                               @Parameter(description = LedgerJson.TENANT_ID_DESCRIPTION, schema = @Schema(
                                       type = SchemaType.STRING, pattern = LedgerJson.TENANT_ID_PATTERN))
                               @QueryParam("tenant_id") String tenantId) {
        return HttpCallers.serve(caller -> closeAccount.execute(caller, new AccountQuery(tenantId, accountId)),
                account -> Response.ok(AccountBody.of(account)).build());
    }

    @GET
    @Path("/{accountId}/balance")
    @Operation(summary = "An account's balances, now or as of a past time")
    @APIResponse(responseCode = "200", description = "The balances.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BalanceBody.class)))
    @APIResponse(responseCode = "404", description = "No such account in this tenant.")
    public Uni<Response> balance(@Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid",
                                         pattern = LedgerJson.UUID_PATTERN))
                                 @PathParam("accountId") String accountId,
                                 @Parameter(description = LedgerJson.TENANT_ID_DESCRIPTION, schema = @Schema(
                                         type = SchemaType.STRING, pattern = LedgerJson.TENANT_ID_PATTERN))
                                 @QueryParam("tenant_id") String tenantId,
                                 @Parameter(description = "An RFC 3339 date-time of the years 0001 to 9999, e.g."
                                         + " 2026-01-31T23:59:59Z; omitted: now. A time before"
                                         + " 0001-01-01T00:00:00Z reads as that (no balances yet), one after"
                                         + " 9999-12-31T23:59:59.999999999Z as that.",
                                         schema = @Schema(type = SchemaType.STRING, format = "date-time"))
                                 @QueryParam("as_of") String asOf,
                                 @Context UriInfo uri) {
        // as_of is declared for the document; it is read as sent (QueryValues), so an empty one is refused.
        Optional<Instant> at = Optional.empty();
        Optional<String> sent = QueryValues.sent(uri, "as_of");
        if (sent.isPresent()) {
            Optional<Instant> parsed = Rfc3339.instant(sent.get());
            if (parsed.isEmpty()) {
                return Uni.createFrom().item(HttpProblems.toResponse(Problem.InvalidArgument.of("as_of",
                        "must be an RFC 3339 date-time of the years 0001 to 9999, such as 2026-01-31T23:59:59Z")));
            }
            at = parsed;
        }
        BalanceQuery query = new BalanceQuery(tenantId, accountId, at);
        return HttpCallers.serve(caller -> getAccountBalance.execute(caller, query),
                balance -> Response.ok(BalanceBody.of(balance)).build());
    }

    @GET
    @Path("/{accountId}/transfers")
    @Operation(summary = "An account's statement: its transfers by timestamp, a page at a time")
    @APIResponse(responseCode = "200", description = "A page of transfers.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransferPageBody.class)))
    @APIResponse(responseCode = "404", description = "No such account in this tenant.")
    public Uni<Response> statement(@Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid",
                                           pattern = LedgerJson.UUID_PATTERN))
                                   @PathParam("accountId") String accountId,
                                   @Parameter(description = LedgerJson.TENANT_ID_DESCRIPTION, schema = @Schema(
                                           type = SchemaType.STRING, pattern = LedgerJson.TENANT_ID_PATTERN))
                                   @QueryParam("tenant_id") String tenantId,
                                   @Parameter(description = "1 to 1000 (ledger.page-size-max); 0 or omitted means"
                                           + " 100 (ledger.page-size-default)",
                                           schema = @Schema(type = SchemaType.INTEGER, format = "int32",
                                                   minimum = "0", maximum = "1000"))
                                   @QueryParam("page_size") @DefaultValue("0") int pageSize,
                                   @Parameter(description = "The next_page_token of the previous page; empty or"
                                           + " omitted: the first page.",
                                           schema = @Schema(type = SchemaType.STRING,
                                                   maxLength = ListAccountTransfers.PAGE_TOKEN_LENGTH_MAX,
                                                   pattern = ListAccountTransfers.PAGE_TOKEN_PATTERN))
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
