package io.aicunet.config.adapter.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Proves: config's OpenAPI document states the limits the service runs with (the test
 * profile sets {@code config.page-size-max=80} and {@code config.namespaces-per-request-max=40},
 * not the defaults), and the service enforces exactly those: the largest page is
 * accepted, one more is a 400 naming {@code page_size}.
 */
@QuarkusTest
class ConfigOpenApiTest {

    @Test
    void theDocumentStatesTheLimitsTheServiceEnforces() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/config/revisions'.get.parameters.find { it.name == 'page_size' }.schema.maximum",
                        equalTo(80))
                .body("paths.'/v1/config/effective'.get.parameters.find { it.name == 'namespace' }.schema.maxItems",
                        equalTo(40));

        given().headers(TestCallers.platformAdmin()).queryParam("page_size", 80)
                .get("/v1/config/revisions").then().statusCode(200);
        given().headers(TestCallers.platformAdmin()).queryParam("page_size", 81)
                .get("/v1/config/revisions").then().statusCode(400)
                .body("errors.field", hasItem("page_size"));
    }
}
