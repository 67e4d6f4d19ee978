package io.aicunet.tenant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.aicunet.platform.testing.StrictJsonCheck;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves: the tenant REST API takes strict JSON. A boolean where a string is required,
 * null inside the retention list or in a quota, a number as a string and an unknown
 * property are each a 400 problem+json naming the field, and nothing is written (the
 * tenant keeps its status and version; the refused slug is still free); a
 * method a path does not have is a 405 with Allow.
 */
@QuarkusTest
class StrictJsonTest extends GrpcTestBase {

    @Test
    void refusesWhatIsNotExactlyTheRequestAndWritesNothing() {
        String id = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant().getId();
        String slug = "strict-" + id.substring(0, 8);
        String create = "{\"slug\":\"" + slug + "\",\"display_name\":\"Strict\",\"region\":\"eu-west-1\","
                + "\"tier\":\"free\"";

        StrictJsonCheck.of(service, TestCallers.platformAdmin())
                .assertRefused("POST", "/v1/tenants/" + id + "/suspension", "{\"reason\" 1}", "body")
                .assertRefused("POST", "/v1/tenants/" + id + "/suspension", "{\"reason\":null}", "reason")
                .assertTooLarge("POST", "/v1/tenants")
                .assertRefused("POST", "/v1/tenants/" + id + "/suspension", "{\"reason\":false}", "reason")
                .assertRefused("POST", "/v1/tenants/" + id + "/suspension", "{\"reason\":0}", "reason")
                .assertRefused("POST", "/v1/tenants/" + id + "/suspension", "{\"reason\":\"x\",\"why\":1}", "why")
                .assertRefused("POST", "/v1/tenants/" + id + "/suspension?force=true", "{\"reason\":\"x\"}", "force")
                .assertRefused("GET", "/v1/tenants?statuss=active", null, "statuss")
                .assertRefused("POST", "/v1/tenants", create + ",\"retention\":[null]}", "retention[0]")
                .assertRefused("POST", "/v1/tenants", create + ",\"display_name\":true}", "display_name")
                .assertRefused("POST", "/v1/tenants", create + ",\"quotas\":{\"tokens_per_day\":\"5\"}}",
                        "quotas.tokens_per_day")
                .assertRefused("POST", "/v1/tenants", create + ",\"quotas\":{\"tokens_per_day\":1.5}}",
                        "quotas.tokens_per_day")
                .assertRefused("POST", "/v1/tenants", create + ",\"retention\":[{\"data_class\":\"personal\","
                        + "\"days\":30,\"years\":1}]}", "retention[0].years")
                .assertRefused("PATCH", "/v1/tenants/" + id, "{\"expected_version\":1,\"retention\":[null]}",
                        "retention[0]")
                .assertMethodNotAllowed("PUT", "/v1/tenants", "GET", "POST")
                .assertMethodNotAllowed("DELETE", "/v1/tenants/" + id, "GET", "PATCH");

        given().headers(TestCallers.platformAdmin())
                .when().get("/v1/tenants/{id}", id)
                .then().statusCode(200).body("status", equalTo("active")).body("version", equalTo(1));
        // The same body without the flaw creates the tenant (a slug already taken would be a 409):
        // no refused create wrote it, and the refusals above were for the flaws.
        given().headers(TestCallers.platformAdmin()).header("Idempotency-Key", "strict-" + slug)
                .contentType("application/json").body(create + "}")
                .when().post("/v1/tenants")
                .then().statusCode(201);
        given().headers(TestCallers.platformAdmin()).contentType("application/json")
                .body(Map.of("reason", "strict check"))
                .when().post("/v1/tenants/{id}/suspension", id)
                .then().statusCode(200).body("status", equalTo("suspended"));
    }
}
