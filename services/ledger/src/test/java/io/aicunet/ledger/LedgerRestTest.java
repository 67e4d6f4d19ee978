package io.aicunet.ledger;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The REST face of the ledger, its OpenAPI document, health and metrics. */
@QuarkusTest
class LedgerRestTest {

    private final String tenant = UUID.randomUUID().toString();

    /**
     * Proves: over REST an account is opened (201, then 200 on retry), a batch answers a
     * result per transfer, the transfer, the account's balances, its balance as of now
     * and its statement read back, and a viewer may read but not write.
     */
    @Test
    void accountsAndTransfersOverRest() {
        String from = openAccount("budget");
        String to = openAccount("usage");
        given().headers(writer()).contentType("application/json")
                .body(Map.of("id", from, "code", "budget", "unit", "CREDIT"))
                .when().post("/v1/accounts").then().statusCode(200).body("id", equalTo(from));

        String transferId = UUID.randomUUID().toString();
        Map<String, Object> transfer = Map.of("id", transferId, "debit_account_id", from, "credit_account_id", to,
                "amount", 42, "code", "usage.llm", "metadata", Map.of("model", "m1"));
        given().headers(writer()).contentType("application/json").body(Map.of("transfers", List.of(transfer)))
                .when().post("/v1/transfers")
                .then().statusCode(200)
                .body("results", hasSize(1))
                .body("results[0].result", equalTo("ok"))
                .body("results[0].transfer.kind", equalTo("posted"))
                .body("results[0].transfer.timestamp", notNullValue());
        given().headers(writer()).contentType("application/json").body(Map.of("transfers", List.of(transfer)))
                .when().post("/v1/transfers")
                .then().statusCode(200).body("results[0].result", equalTo("exists"))
                .body("results[0].replayed", equalTo(true));

        given().headers(viewer()).when().get("/v1/transfers/{id}", transferId)
                .then().statusCode(200).body("amount", equalTo(42)).body("metadata.model", equalTo("m1"));
        given().headers(viewer()).when().get("/v1/accounts/{id}", from)
                .then().statusCode(200).body("balances.debits_posted", equalTo(42));
        given().headers(viewer()).queryParam("as_of", "2020-01-01T00:00:00Z")
                .when().get("/v1/accounts/{id}/balance", from)
                .then().statusCode(200).body("balances.debits_posted", equalTo(0));
        given().headers(viewer()).when().get("/v1/accounts/{id}/transfers", to)
                .then().statusCode(200).body("transfers", hasSize(1)).body("next_page_token", equalTo(""));

        given().headers(viewer()).contentType("application/json").body(Map.of("transfers", List.of(transfer)))
                .when().post("/v1/transfers")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("ledger.transfers.create"));
        given().headers(viewer()).queryParam("as_of", "yesterday")
                .when().get("/v1/accounts/{id}/balance", from)
                .then().statusCode(400).body("errors[0].field", equalTo("as_of"));
    }

    /**
     * Proves: a call without a token is 401 problem+json with a Bearer challenge, even with
     * the identity headers callers used to be believed on; the account is not opened.
     */
    @Test
    void missingCallerIsRefused() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json").body(Map.of("id", id, "code", "x", "unit", "CREDIT"))
                .header("x-aicunet-tenant", tenant).header("x-aicunet-subject", "ops")
                .header("x-aicunet-roles", "platform-admin")
                .when().post("/v1/accounts")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"));
        given().headers(viewer()).when().get("/v1/accounts/{id}", id).then().statusCode(404);
    }

    /** Proves: the OpenAPI document describes the ledger's paths; health is UP; ledger metrics are exported. */
    @Test
    void openApiHealthAndMetrics() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/transfers"))
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/accounts/{accountId}/balance"))
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/reports/cost-per-tenant-day"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("aicunet_ledger_invariant_violations"));
    }

    private String openAccount(String code) {
        String id = UUID.randomUUID().toString();
        given().headers(writer()).contentType("application/json")
                .body(Map.of("id", id, "code", code, "unit", "CREDIT"))
                .when().post("/v1/accounts")
                .then().statusCode(201).header("Location", "/v1/accounts/" + id);
        return id;
    }

    private Map<String, String> writer() {
        return TestCallers.ofTenant(tenant, "ledger-writer");
    }

    private Map<String, String> viewer() {
        return TestCallers.ofTenant(tenant, "tenant-viewer");
    }
}
