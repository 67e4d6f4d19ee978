package io.aicunet.ledger.application.reports;

import static io.aicunet.platform.testing.LedgerFixtures.aPendingTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.VerifyInvariantRequest;
import io.aicunet.contracts.ledger.v1.VerifyInvariantResponse;
import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The double-entry invariant: per tenant and unit, debits equal credits; and how a violation shows. */
@QuarkusTest
class InvariantTest extends LedgerTestBase {

    /**
     * Proves: after posted and pending transfers the invariant holds (gRPC and REST);
     * after a superuser corrupts one balance behind the service's back, the check
     * names that tenant and unit with the unequal sums, and the scheduled job raises
     * the violations metric; repaired, it holds and the metric returns to 0.
     */
    @Test
    void invariantHoldsAndDetectsCorruption() throws Exception {
        Account from = open(anAccount("TOKEN"));
        Account to = open(anAccount("TOKEN"));
        post(aTransfer(from.getId(), to.getId(), 900), aPendingTransfer(from.getId(), to.getId(), 50, 0));

        VerifyInvariantResponse healthy = operator().verifyInvariant(VerifyInvariantRequest.getDefaultInstance());
        assertThat(healthy.getHolds()).isTrue();
        assertThat(healthy.getChecked()).isGreaterThanOrEqualTo(1);
        given().headers(operatorHeaders()).when().get("/v1/invariant")
                .then().statusCode(200).body("holds", equalTo(true));

        corrupt(to, 1);
        try {
            VerifyInvariantResponse broken = operator().verifyInvariant(VerifyInvariantRequest.getDefaultInstance());
            assertThat(broken.getHolds()).isFalse();
            assertThat(broken.getViolationsList()).anySatisfy(violation -> {
                assertThat(violation.getTenantId()).isEqualTo(tenant);
                assertThat(violation.getUnit()).isEqualTo("TOKEN");
                assertThat(violation.getDebitsPosted()).isEqualTo("900");
                assertThat(violation.getCreditsPosted()).isEqualTo("901");
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> violationsMetric() >= 1);
        } finally {
            corrupt(to, -1);
        }
        assertThat(operator().verifyInvariant(VerifyInvariantRequest.getDefaultInstance()).getHolds()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> violationsMetric() == 0);
    }

    /** Proves: the check is for platform operators: a tenant's writer is refused with PERMISSION_DENIED. */
    @Test
    void onlyOperatorsVerify() {
        StatusRuntimeException denied = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class, () -> writer().verifyInvariant(VerifyInvariantRequest.getDefaultInstance()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    /** As the superuser, past the service: the kind of change the invariant exists to catch. */
    private static void corrupt(Account account, long creditsPostedChange) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement update = db.prepareStatement("UPDATE ledger.accounts"
                        + " SET credits_posted = credits_posted + ? WHERE account_id = ?::uuid")) {
            update.setLong(1, creditsPostedChange);
            update.setString(2, account.getId());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static double violationsMetric() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("aicunet_ledger_invariant_violations"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    private static java.util.Map<String, String> operatorHeaders() {
        return TestCallers.headers("platform", "oncall@aicunet.io", Set.of("platform-operator"));
    }
}
