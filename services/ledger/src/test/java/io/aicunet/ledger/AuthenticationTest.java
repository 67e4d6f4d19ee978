package io.aicunet.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.platform.testing.AuthenticationCheck.RestAnswer;
import io.aicunet.platform.testing.AuthenticationCheck;
import io.aicunet.platform.testing.LedgerFixtures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Only verified callers move money: forged, flawed and missing tokens post no transfer. */
@QuarkusTest
class AuthenticationTest extends LedgerTestBase {

    /**
     * Proves: posting a transfer (CreateTransfers over gRPC, POST /v1/transfers over REST)
     * with an expired, not yet valid, wrong-issuer, wrong-audience or wrongly signed token,
     * an unsigned or HS256 token, no token, identity headers without a token or Basic
     * credentials is UNAUTHENTICATED / 401 with a Bearer challenge, each counted under its
     * reason; a ledger-writer of another tenant is refused; no transfer row is written and
     * no balance moves; and the control token, flawless, does post one over each.
     */
    @Test
    void onlyVerifiedCallersPostTransfers() throws Exception {
        Account from = open(LedgerFixtures.anAccount("CREDIT"));
        Account to = open(LedgerFixtures.anAccount("CREDIT"));
        AuthenticationCheck check = AuthenticationCheck.of("ledger", service, tenant, Set.of("ledger-writer"),
                headers -> postOverGrpc(headers, from, to), headers -> postOverRest(headers, from, to));

        check.assertUnverifiedCallersRefused();
        check.assertOtherTenantRefused();
        assertThat(transferRows()).as("refused callers post nothing").isZero();
        assertThat(balances(from)).isEqualTo(balances(0, 0, 0, 0));

        check.assertVerifiedCallerAccepted();
        assertThat(transferRows()).as("the control token posted one transfer over each").isEqualTo(2);
        assertThat(balances(from).getDebitsPosted()).isEqualTo(2);
        AuthenticationCheck.assertRefusalsCounted(service,
                Set.of("expired", "not-yet-valid", "audience", "issuer", "signature", "algorithm", "missing",
                        "malformed"));
    }

    private Status.Code postOverGrpc(Map<String, String> headers, Account from, Account to) {
        try {
            as(headers).createTransfers(CreateTransfersRequest.newBuilder()
                    .addTransfers(LedgerFixtures.aTransfer(from.getId(), to.getId(), 1)).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException refused) {
            return refused.getStatus().getCode();
        }
    }

    private static RestAnswer postOverRest(Map<String, String> headers, Account from, Account to) {
        Map<String, Object> transfer = Map.of("id", UUID.randomUUID().toString(), "debit_account_id", from.getId(),
                "credit_account_id", to.getId(), "amount", 1, "code", "test.usage");
        Response response = given().headers(headers).contentType("application/json")
                .body(Map.of("transfers", List.of(transfer)))
                .when().post("/v1/transfers");
        return new RestAnswer(response.statusCode(), response.header("WWW-Authenticate"));
    }
}
