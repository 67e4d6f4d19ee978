package io.aicunet.ledger.adapter.grpc;

import io.aicunet.contracts.ledger.v1.CloseAccountRequest;
import io.aicunet.contracts.ledger.v1.CloseAccountResponse;
import io.aicunet.contracts.ledger.v1.CreateAccountRequest;
import io.aicunet.contracts.ledger.v1.CreateAccountResponse;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.CreateTransfersResponse;
import io.aicunet.contracts.ledger.v1.GetAccountBalanceRequest;
import io.aicunet.contracts.ledger.v1.GetAccountBalanceResponse;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.GetAccountResponse;
import io.aicunet.contracts.ledger.v1.GetTransferRequest;
import io.aicunet.contracts.ledger.v1.GetTransferResponse;
import io.aicunet.contracts.ledger.v1.InvariantViolation;
import io.aicunet.contracts.ledger.v1.LedgerService;
import io.aicunet.contracts.ledger.v1.ListAccountTransfersRequest;
import io.aicunet.contracts.ledger.v1.ListAccountTransfersResponse;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.VerifyInvariantRequest;
import io.aicunet.contracts.ledger.v1.VerifyInvariantResponse;
import io.aicunet.ledger.application.accounts.AccountQuery;
import io.aicunet.ledger.application.accounts.BalanceQuery;
import io.aicunet.ledger.application.accounts.CloseAccount;
import io.aicunet.ledger.application.accounts.CreateAccount;
import io.aicunet.ledger.application.accounts.CreateAccountCommand;
import io.aicunet.ledger.application.accounts.GetAccount;
import io.aicunet.ledger.application.accounts.GetAccountBalance;
import io.aicunet.ledger.application.accounts.ListAccountTransfers;
import io.aicunet.ledger.application.accounts.StatementQuery;
import io.aicunet.ledger.application.contract.LedgerProtos;
import io.aicunet.ledger.application.reports.VerifyInvariant;
import io.aicunet.ledger.application.transfers.CreateTransfers;
import io.aicunet.ledger.application.transfers.CreateTransfersCommand;
import io.aicunet.ledger.application.transfers.GetTransfer;
import io.aicunet.ledger.application.transfers.TransferQuery;
import io.aicunet.ledger.domain.TransferDraft;
import io.aicunet.platform.tenancy.GrpcCallers;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** LedgerService over gRPC: translates messages to commands and results to responses. */
@GrpcService
public class LedgerGrpcService implements LedgerService {

    private final CreateAccount createAccount;
    private final GetAccount getAccount;
    private final CloseAccount closeAccount;
    private final GetAccountBalance getAccountBalance;
    private final ListAccountTransfers listAccountTransfers;
    private final CreateTransfers createTransfers;
    private final GetTransfer getTransfer;
    private final VerifyInvariant verifyInvariant;

    public LedgerGrpcService(CreateAccount createAccount, GetAccount getAccount, CloseAccount closeAccount,
                             GetAccountBalance getAccountBalance, ListAccountTransfers listAccountTransfers,
                             CreateTransfers createTransfers, GetTransfer getTransfer,
                             VerifyInvariant verifyInvariant) {
        this.createAccount = createAccount;
        this.getAccount = getAccount;
        this.closeAccount = closeAccount;
        this.getAccountBalance = getAccountBalance;
        this.listAccountTransfers = listAccountTransfers;
        this.createTransfers = createTransfers;
        this.getTransfer = getTransfer;
        this.verifyInvariant = verifyInvariant;
    }

    @Override
    public Uni<CreateAccountResponse> createAccount(CreateAccountRequest request) {
        CreateAccountCommand command = new CreateAccountCommand(request.getTenantId(), request.getId(),
                request.getCode(), request.getUnit(), request.getDebitsMustNotExceedCredits(),
                request.getCreditsMustNotExceedDebits(), request.getSubjectId());
        return GrpcCallers.serve(caller -> createAccount.execute(caller, command),
                created -> CreateAccountResponse.newBuilder()
                        .setAccount(LedgerProtos.toProto(created.account()))
                        .setReplayed(created.replayed())
                        .build());
    }

    @Override
    public Uni<GetAccountResponse> getAccount(GetAccountRequest request) {
        AccountQuery query = new AccountQuery(request.getTenantId(), request.getAccountId());
        return GrpcCallers.serve(caller -> getAccount.execute(caller, query),
                account -> GetAccountResponse.newBuilder().setAccount(LedgerProtos.toProto(account)).build());
    }

    @Override
    public Uni<CloseAccountResponse> closeAccount(CloseAccountRequest request) {
        AccountQuery query = new AccountQuery(request.getTenantId(), request.getAccountId());
        return GrpcCallers.serve(caller -> closeAccount.execute(caller, query),
                account -> CloseAccountResponse.newBuilder().setAccount(LedgerProtos.toProto(account)).build());
    }

    @Override
    public Uni<GetAccountBalanceResponse> getAccountBalance(GetAccountBalanceRequest request) {
        BalanceQuery query = new BalanceQuery(request.getTenantId(), request.getAccountId(),
                request.hasAsOf() ? Optional.of(LedgerProtos.instant(request.getAsOf())) : Optional.empty());
        return GrpcCallers.serve(caller -> getAccountBalance.execute(caller, query), balance -> {
            GetAccountBalanceResponse.Builder response = GetAccountBalanceResponse.newBuilder()
                    .setAccountId(balance.account().toString())
                    .setBalances(LedgerProtos.toProto(balance.balances()));
            balance.lastTransferAt().ifPresent(at -> response.setLastTransferAt(LedgerProtos.timestamp(at)));
            return response.build();
        });
    }

    @Override
    public Uni<ListAccountTransfersResponse> listAccountTransfers(ListAccountTransfersRequest request) {
        StatementQuery query = new StatementQuery(request.getTenantId(), request.getAccountId(),
                request.getPageSize(), request.getPageToken());
        return GrpcCallers.serve(caller -> listAccountTransfers.execute(caller, query), page -> {
            ListAccountTransfersResponse.Builder response = ListAccountTransfersResponse.newBuilder()
                    .setNextPageToken(page.nextPageToken());
            page.transfers().forEach(transfer -> response.addTransfers(LedgerProtos.toProto(transfer)));
            return response.build();
        });
    }

    @Override
    public Uni<CreateTransfersResponse> createTransfers(CreateTransfersRequest request) {
        List<TransferDraft> drafts = new ArrayList<>(request.getTransfersCount());
        for (NewTransfer transfer : request.getTransfersList()) {
            drafts.add(new TransferDraft(transfer.getId(), transfer.getDebitAccountId(),
                    transfer.getCreditAccountId(), BigInteger.valueOf(transfer.getAmount()), transfer.getPendingId(),
                    LedgerProtos.wireName(transfer.getKind()), transfer.getLinked(), transfer.getTimeoutSeconds(),
                    transfer.getCode(), transfer.getMetadataMap(), transfer.getPersonalMetadataMap()));
        }
        CreateTransfersCommand command = new CreateTransfersCommand(request.getTenantId(), drafts);
        return GrpcCallers.serve(caller -> createTransfers.execute(caller, command), outcomes -> {
            CreateTransfersResponse.Builder response = CreateTransfersResponse.newBuilder();
            outcomes.forEach(outcome -> response.addResults(LedgerProtos.toProto(outcome)));
            return response.build();
        });
    }

    @Override
    public Uni<GetTransferResponse> getTransfer(GetTransferRequest request) {
        TransferQuery query = new TransferQuery(request.getTenantId(), request.getTransferId());
        return GrpcCallers.serve(caller -> getTransfer.execute(caller, query),
                transfer -> GetTransferResponse.newBuilder().setTransfer(LedgerProtos.toProto(transfer)).build());
    }

    @Override
    public Uni<VerifyInvariantResponse> verifyInvariant(VerifyInvariantRequest request) {
        return GrpcCallers.serve(verifyInvariant::execute, check -> {
            VerifyInvariantResponse.Builder response = VerifyInvariantResponse.newBuilder()
                    .setHolds(check.holds())
                    .setChecked(check.checked());
            check.imbalances().forEach(imbalance -> response.addViolations(InvariantViolation.newBuilder()
                    .setTenantId(imbalance.tenant().toString())
                    .setUnit(imbalance.unit())
                    .setDebitsPosted(imbalance.debitsPosted().toString())
                    .setCreditsPosted(imbalance.creditsPosted().toString())
                    .setDebitsPending(imbalance.debitsPending().toString())
                    .setCreditsPending(imbalance.creditsPending().toString())));
            return response.build();
        });
    }
}
