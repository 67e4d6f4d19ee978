package io.aicunet.ledger;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.aicunet.platform.testing.StrictJsonCheck;
import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Proves: the ledger REST API takes strict JSON. A number where a string is required, a
 * string where a number or boolean is required, a null transfer or metadata value and an
 * unknown property are each a 400 problem+json naming the field, and nothing is written
 * (the refused account does not exist, the balances did not move); a method the
 * accounts path does not have is a 405 whose Allow lists only POST.
 */
@QuarkusTest
class StrictJsonTest {

    private final String tenant = UUID.randomUUID().toString();

    @TestHTTPResource(tls = true)
    URL service;

    @Test
    void refusesWhatIsNotExactlyTheRequestAndWritesNothing() {
        Map<String, String> writer = TestCallers.ofTenant(tenant, "ledger-writer");
        String from = openAccount(writer, "budget");
        String to = openAccount(writer, "usage");
        String refused = UUID.randomUUID().toString();
        String transfer = "\"id\":\"" + UUID.randomUUID() + "\",\"debit_account_id\":\"" + from
                + "\",\"credit_account_id\":\"" + to + "\",\"code\":\"usage.llm\"";

        StrictJsonCheck.of(service, writer)
                .assertRefused("POST", "/v1/accounts", "{\"id\":\"" + refused + "\",\"code\":5,\"unit\":\"CREDIT\"}",
                        "code")
                .assertRefused("POST", "/v1/accounts", "{\"id\":\"" + refused + "\",\"code\":\"c\",\"unit\":\"CREDIT\","
                        + "\"debits_must_not_exceed_credits\":\"true\"}", "debits_must_not_exceed_credits")
                .assertRefused("POST", "/v1/accounts", "{\"id\":\"" + refused + "\",\"code\":\"c\",\"unit\":\"CREDIT\","
                        + "\"colour\":\"red\"}", "colour")
                .assertRefused("POST", "/v1/accounts?dry_run=true", "{\"id\":\"" + refused + "\",\"code\":\"c\","
                        + "\"unit\":\"CREDIT\"}", "dry_run")
                .assertRefused("POST", "/v1/transfers", "{\"transfers\" [", "body")
                .assertRefused("POST", "/v1/transfers", "{\"transfers\":null}", "transfers")
                .assertTooLarge("POST", "/v1/transfers")
                .assertRefused("POST", "/v1/transfers", "{\"transfers\":[null]}", "transfers[0]")
                .assertRefused("POST", "/v1/transfers", "{\"transfers\":[{" + transfer + ",\"amount\":\"42\"}]}",
                        "transfers[0].amount")
                .assertRefused("POST", "/v1/transfers", "{\"transfers\":[{" + transfer + ",\"amount\":42,"
                        + "\"metadata\":{\"model\":null}}]}", "transfers[0].metadata.model")
                .assertRefused("POST", "/v1/transfers", "{\"transfers\":[{" + transfer + ",\"amount\":42,"
                        + "\"timeout_seconds\":1.5}]}", "transfers[0].timeout_seconds")
                .assertMethodNotAllowed("DELETE", "/v1/accounts", "POST");

        given().headers(writer).when().get("/v1/accounts/{id}", refused).then().statusCode(404);
        given().headers(writer).when().get("/v1/accounts/{id}", from)
                .then().statusCode(200).body("balances.debits_posted", equalTo(0));
    }

    private static String openAccount(Map<String, String> writer, String code) {
        String id = UUID.randomUUID().toString();
        given().headers(writer).contentType("application/json")
                .body(Map.of("id", id, "code", code, "unit", "CREDIT"))
                .when().post("/v1/accounts")
                .then().statusCode(201);
        return id;
    }
}
