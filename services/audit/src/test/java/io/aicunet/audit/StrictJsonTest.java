package io.aicunet.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.StrictJsonCheck;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Proves: the audit REST API takes strict JSON. A null record, a boolean or number where
 * a string is required and an unknown property are each a 400 problem+json naming the
 * field, and nothing is appended (the next valid append is sequence 1); a method the
 * records path does not have is a 405 with Allow.
 */
@QuarkusTest
class StrictJsonTest {

    @TestHTTPResource(tls = true)
    URL service;

    @Test
    void refusesWhatIsNotExactlyTheRequestAndAppendsNothing() {
        String tenant = UUID.randomUUID().toString();
        String records = "/v1/audit/tenants/" + tenant + "/records";
        String valid = "\"actor\":\"a\",\"action\":\"x.y.z\",\"resource\":\"r\",\"outcome\":\"success\"";

        StrictJsonCheck.of(service, AuditFixtures.platformService())
                .assertRefused("POST", records, "{\"records\" [", "body")
                .assertRefused("POST", records, "{\"records\":null}", "records")
                .assertTooLarge("POST", records)
                .assertRefused("POST", records, "{\"records\":[null]}", "records[0]")
                .assertRefused("POST", records, "{\"records\":[{" + valid + ",\"reason\":false}]}",
                        "records[0].reason")
                .assertRefused("POST", records, "{\"records\":[{\"actor\":7,\"action\":\"x.y.z\","
                        + "\"resource\":\"r\",\"outcome\":\"success\"}]}", "records[0].actor")
                .assertRefused("POST", records, "{\"records\":[{" + valid + ",\"severity\":\"high\"}]}",
                        "records[0].severity")
                .assertRefused("POST", records, "{\"records\":[{" + valid + "}],\"tenant\":\"x\"}", "tenant")
                .assertRefused("POST", records + "?sync=true", "{\"records\":[{" + valid + "}]}", "sync")
                .assertMethodNotAllowed("DELETE", records, "GET", "POST");

        given().headers(AuditFixtures.platformService()).contentType("application/json")
                .body("{\"records\":[{" + valid + "}]}")
                .post(service + "v1/audit/tenants/" + tenant + "/records")
                .then().statusCode(200).body("[0].sequence", equalTo(1));
    }
}
