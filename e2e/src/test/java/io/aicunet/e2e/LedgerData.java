package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.GetTransferRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.contracts.ledger.v1.Transfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.platform.testing.LedgerFixtures;
import io.aicunet.platform.testing.TestCallers;

/**
 * The ledger's part of the end-to-end test: an account that belongs to the user and a
 * transfer whose personal metadata names them. After the erasure the amounts stay (the
 * books must still balance) and the personal data is gone.
 */
final class LedgerData {

    private static String debitAccountId;
    private static String transferId;

    private LedgerData() {
    }

    static void storePersonalData(Fleet fleet, String tenant, String name, String email) {
        var ledger = LedgerServiceGrpc.newBlockingStub(fleet.as("ledger", TestCallers.ofTenant(tenant, "ledger-writer")));
        debitAccountId = ledger.createAccount(LedgerFixtures.anAccount("EUR").setTenantId(tenant)
                .setSubjectId("user-" + tenant.substring(0, 8)).build()).getAccount().getId();
        String creditAccountId = ledger.createAccount(LedgerFixtures.anAccount("EUR").setTenantId(tenant).build())
                .getAccount().getId();
        TransferOutcome outcome = ledger.createTransfers(CreateTransfersRequest.newBuilder().setTenantId(tenant)
                        .addTransfers(LedgerFixtures.aTransfer(debitAccountId, creditAccountId, 4_200)
                                .putPersonalMetadata("customer", name).putPersonalMetadata("email", email))
                        .build())
                .getResults(0);
        assertThat(outcome.getResult()).as(outcome.getDetail()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        transferId = outcome.getId();
    }

    static void assertPersonalDataGone(Fleet fleet, String tenant, String name, String email) {
        var ledger = LedgerServiceGrpc.newBlockingStub(fleet.as("ledger", TestCallers.platformAdmin()));
        Transfer transfer = ledger.getTransfer(GetTransferRequest.newBuilder().setTenantId(tenant)
                .setTransferId(transferId).build()).getTransfer();
        assertThat(transfer.getAmount()).as("the books keep the amount").isEqualTo(4_200);
        assertThat(transfer.getPersonalMetadataMap()).isEmpty();
        assertThat(transfer.toString()).doesNotContain(name, email);
        assertThat(ledger.getAccount(GetAccountRequest.newBuilder().setTenantId(tenant)
                .setAccountId(debitAccountId).build()).getAccount().getSubjectId()).isEmpty();
    }
}
