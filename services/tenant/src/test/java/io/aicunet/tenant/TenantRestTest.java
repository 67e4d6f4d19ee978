package io.aicunet.tenant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The REST face of the tenant service, its OpenAPI document, health and metrics. */
@QuarkusTest
class TenantRestTest {

    /**
     * Proves: POST creates (201 with Location), a retry with the same Idempotency-Key
     * returns the same tenant (200), and suspension and reactivation work over REST.
     */
    @Test
    void createRetrySuspendReactivate() {
        String key = "rest-" + UUID.randomUUID();
        String slug = "rest-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = Map.of("slug", slug, "display_name", "REST Corp", "region", "eu-west-1",
                "tier", "free");
        Response created = given().headers(TestCallers.platformAdmin()).header("Idempotency-Key", key)
                .contentType("application/json").body(body)
                .when().post("/v1/tenants")
                .then().statusCode(201)
                .header("Location", containsString("/v1/tenants/"))
                .body("slug", equalTo(slug))
                .body("status", equalTo("active"))
                .body("quotas.requests_per_minute", equalTo(60))
                .body("retention_days.personal", equalTo(365))
                .extract().response();
        String id = created.path("id");

        given().headers(TestCallers.platformAdmin()).header("Idempotency-Key", key)
                .contentType("application/json").body(body)
                .when().post("/v1/tenants")
                .then().statusCode(200).body("id", equalTo(id));

        given().headers(TestCallers.platformAdmin()).contentType("application/json")
                .body(Map.of("reason", "fraud check"))
                .when().post("/v1/tenants/{id}/suspension", id)
                .then().statusCode(200).body("status", equalTo("suspended")).body("version", equalTo(2));

        given().headers(TestCallers.platformAdmin()).contentType("application/json")
                .body(Map.of("reason", "again"))
                .when().post("/v1/tenants/{id}/suspension", id)
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://aicunet.io/problems/failed-precondition/illegal-status-transition"));

        given().headers(TestCallers.ofTenant(id, "tenant-viewer"))
                .when().post("/v1/tenants/{id}/reactivation", id)
                .then().statusCode(403).contentType("application/problem+json");

        given().headers(TestCallers.platformAdmin())
                .when().post("/v1/tenants/{id}/reactivation", id)
                .then().statusCode(200).body("status", equalTo("active"));

        given().headers(TestCallers.ofTenant(id, "tenant-viewer"))
                .when().get("/v1/tenants/{id}", id)
                .then().statusCode(200).body("display_name", equalTo("REST Corp"));
    }

    /** Proves: a body that is not JSON is refused as 400 problem+json, like every other error. */
    @Test
    void unparseableBodyIsProblemJson() {
        given().headers(TestCallers.platformAdmin()).header("Idempotency-Key", "broken-json")
                .contentType("application/json").body("{\"slug\": ")
                .when().post("/v1/tenants")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400));
    }

    /** Proves: the OpenAPI document describes the tenant endpoints. */
    @Test
    void openApiDescribesTheApi() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths.'/v1/tenants'.post.summary", equalTo("Register a tenant"))
                .body("paths.'/v1/tenants/{tenantId}/suspension'", notNullValue());
    }

    /** Proves: readiness checks the database and Kafka, and metrics include the outbox relay lag. */
    @Test
    void healthAndMetrics() {
        given().when().get("/q/health/ready")
                .then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics")
                .then().statusCode(200).body(containsString("aicunet_outbox_relay_lag_seconds"));
    }
}
