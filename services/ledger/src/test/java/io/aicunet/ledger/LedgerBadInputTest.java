package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aPendingTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aPost;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aVoid;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;

import com.google.rpc.BadRequest;
import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.Balances;
import io.aicunet.contracts.ledger.v1.CloseAccountRequest;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bad input gets a precise error per transfer and changes nothing else in its chain. */
@QuarkusTest
class LedgerBadInputTest extends LedgerTestBase {

    /**
     * Proves: each kind of bad transfer, placed last in a linked chain after a good
     * transfer, gets its own precise result (and field where one is at fault), the good
     * transfer gets LINKED_EVENT_FAILED, and no balance or row changes.
     */
    @Test
    void eachBadTransferFailsPreciselyAndItsChainChangesNothing() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        Account euros = open(anAccount("EUR_CENT"));
        Account closed = open(anAccount("CREDIT"));
        operator().closeAccount(CloseAccountRequest.newBuilder().setTenantId(tenant).setAccountId(closed.getId())
                .build());
        String pending = post(aPendingTransfer(from.getId(), to.getId(), 10, 0)).get(0).getId();
        String voided = post(aPendingTransfer(from.getId(), to.getId(), 5, 0)).get(0).getId();
        post(aVoid(voided));
        Balances fromBefore = balances(from);
        long rowsBefore = transferRows();
        String unknown = UUID.randomUUID().toString();

        Map<NewTransfer.Builder, Expected> cases = new LinkedHashMap<>();
        cases.put(aTransfer(from.getId(), to.getId(), 0), new Expected(TransferResult.TRANSFER_RESULT_INVALID_FIELD, "amount"));
        cases.put(aTransfer(from.getId(), to.getId(), -7), new Expected(TransferResult.TRANSFER_RESULT_INVALID_FIELD, "amount"));
        cases.put(aTransfer(unknown, to.getId(), 1),
                new Expected(TransferResult.TRANSFER_RESULT_DEBIT_ACCOUNT_NOT_FOUND, "debit_account_id"));
        cases.put(aTransfer(from.getId(), unknown, 1),
                new Expected(TransferResult.TRANSFER_RESULT_CREDIT_ACCOUNT_NOT_FOUND, "credit_account_id"));
        cases.put(aTransfer(from.getId(), closed.getId(), 1),
                new Expected(TransferResult.TRANSFER_RESULT_CREDIT_ACCOUNT_CLOSED, "credit_account_id"));
        cases.put(aTransfer(from.getId(), euros.getId(), 1),
                new Expected(TransferResult.TRANSFER_RESULT_UNITS_MUST_BE_EQUAL, "credit_account_id"));
        cases.put(aTransfer(from.getId(), from.getId(), 1),
                new Expected(TransferResult.TRANSFER_RESULT_ACCOUNTS_MUST_BE_DIFFERENT, "credit_account_id"));
        cases.put(aPost(pending, 11), new Expected(TransferResult.TRANSFER_RESULT_EXCEEDS_PENDING_TRANSFER_AMOUNT, "amount"));
        cases.put(aPost(voided, 0), new Expected(TransferResult.TRANSFER_RESULT_PENDING_TRANSFER_ALREADY_VOIDED, "pending_id"));
        cases.put(aPost(unknown, 0), new Expected(TransferResult.TRANSFER_RESULT_PENDING_TRANSFER_NOT_FOUND, "pending_id"));
        cases.put(aTransfer(from.getId(), to.getId(), 1).setCode("Not A Code"),
                new Expected(TransferResult.TRANSFER_RESULT_INVALID_FIELD, "code"));
        cases.put(aTransfer(from.getId(), to.getId(), 1).setId("42"),
                new Expected(TransferResult.TRANSFER_RESULT_INVALID_FIELD, "id"));

        for (Map.Entry<NewTransfer.Builder, Expected> badCase : cases.entrySet()) {
            List<TransferOutcome> outcomes = post(aTransfer(from.getId(), to.getId(), 3).setLinked(true),
                    badCase.getKey());
            Expected expected = badCase.getValue();
            assertThat(outcomes.get(1).getResult()).as(badCase.getKey().toString()).isEqualTo(expected.result());
            assertThat(outcomes.get(1).getField()).as(expected.result().name()).isEqualTo(expected.field());
            assertThat(outcomes.get(1).getDetail()).isNotBlank();
            assertThat(outcomes.get(0).getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_LINKED_EVENT_FAILED);
        }
        assertThat(balances(from)).isEqualTo(fromBefore);
        assertThat(transferRows()).isEqualTo(rowsBefore);
    }

    /** Proves: an amount over 2^63-1 (only sendable as JSON) is refused on the amount field, not wrapped. */
    @Test
    void amountOverSixtyFourBitsIsRefused() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        String body = "{\"transfers\":[{\"id\":\"" + UUID.randomUUID() + "\",\"debit_account_id\":\"" + from.getId()
                + "\",\"credit_account_id\":\"" + to.getId() + "\",\"amount\":9223372036854775808,\"code\":\"x\"},"
                + "{\"id\":\"" + UUID.randomUUID() + "\",\"debit_account_id\":\"" + from.getId()
                + "\",\"credit_account_id\":\"" + to.getId() + "\",\"amount\":1.5,\"code\":\"x\"}]}";
        given().headers(TestCallers.ofTenant(tenant, "ledger-writer")).contentType("application/json").body(body)
                .when().post("/v1/transfers")
                .then().statusCode(200)
                .body("results[0].result", equalTo("invalid_field"))
                .body("results[0].field", equalTo("amount"))
                .body("results[1].result", equalTo("invalid_field"));
        assertThat(transferRows()).isZero();
    }

    /** Proves: an empty batch and one of 8,191 transfers are refused as a whole, naming the transfers field. */
    @Test
    void batchSizeIsBounded() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        CreateTransfersRequest.Builder tooMany = CreateTransfersRequest.newBuilder();
        for (int i = 0; i < 8_191; i++) {
            tooMany.addTransfers(aTransfer(from.getId(), to.getId(), 1));
        }
        for (CreateTransfersRequest request : List.of(CreateTransfersRequest.getDefaultInstance(), tooMany.build())) {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> writer().createTransfers(request));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(GrpcCalls.statusOf(refused).getDetails(0).unpack(BadRequest.class)
                    .getFieldViolations(0).getField()).isEqualTo("transfers");
        }
        assertThat(transferRows()).isZero();
    }

    /** Proves: malformed accounts are refused with every wrong field named; a platform caller must name a tenant. */
    @Test
    void badAccountsAndMissingTenantAreRefused() throws Exception {
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> writer().createAccount(anAccount("lower").setId("x").setCode("").setDebitsMustNotExceedCredits(true)
                        .setCreditsMustNotExceedDebits(true).build()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCalls.statusOf(refused).getDetails(0).unpack(BadRequest.class).getFieldViolationsList())
                .extracting(BadRequest.FieldViolation::getField)
                .containsExactlyInAnyOrder("id", "code", "unit", "credits_must_not_exceed_debits");

        StatusRuntimeException noTenant = catchThrowableOfType(StatusRuntimeException.class,
                () -> as(TestCallers.platformAdmin()).createAccount(anAccount("CREDIT").build()));
        assertThat(noTenant.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noTenant.getStatus().getDescription()).contains("tenant_id");
    }

    private record Expected(TransferResult result, String field) {
    }
}
