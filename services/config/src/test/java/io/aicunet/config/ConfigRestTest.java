package io.aicunet.config;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The REST API: the same use cases as gRPC, JSON values embedded as JSON, problems as problem+json. */
@QuarkusTest
class ConfigRestTest {

    private static final Map<String, String> ADMIN = TestCallers.platformAdmin();

    /**
     * Proves: over REST a namespace with a schema is created, entries are written at
     * global and tenant scope, the effective configuration merges them naming scopes,
     * the history, diff and rollback work, and a secret comes back masked.
     */
    @Test
    void entryLifecycleOverRest() {
        String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8) + ".rest";
        String tenant = UUID.randomUUID().toString();
        given().headers(ADMIN).contentType(ContentType.JSON)
                .body(Map.of("namespace", namespace, "description", "over REST",
                        "schema", Map.of("type", "object", "properties", Map.of("max_tokens", Map.of("type", "integer")))))
                .post("/v1/config/namespaces")
                .then().statusCode(201).body("schema_version", equalTo(1));

        int first = given().headers(ADMIN).contentType(ContentType.JSON)
                .queryParam("scope", "global")
                .body(Map.of("value", Map.of("max_tokens", 100), "reason", "default budget"))
                .put("/v1/config/entries/{namespace}/{key}", namespace, "limits")
                .then().statusCode(200).body("changed", equalTo(true)).body("entry.value.max_tokens", equalTo(100))
                .extract().path("revision");
        given().headers(ADMIN).contentType(ContentType.JSON)
                .queryParam("scope", "tenant").queryParam("tenant_id", tenant)
                .body(Map.of("value", Map.of("max_tokens", 500), "reason", "enterprise budget"))
                .put("/v1/config/entries/{namespace}/{key}", namespace, "limits")
                .then().statusCode(200);
        given().headers(ADMIN).contentType(ContentType.JSON)
                .queryParam("scope", "global")
                .body(Map.of("value", Map.of("token", "sk-secret"), "secret", true, "reason", "provider key"))
                .put("/v1/config/entries/{namespace}/{key}", namespace, "api_key")
                .then().statusCode(200).body("entry.masked", equalTo(true)).body("entry.value", nullValue());

        // A platform service (no secret-read permission) reads it: the secret comes back masked.
        given().headers(ConfigGrpcClient.platformService()).queryParam("tenant_id", tenant)
                .queryParam("namespace", namespace)
                .get("/v1/config/effective")
                .then().statusCode(200)
                .body("values.key", contains("api_key", "limits"))
                .body("values[1].value.max_tokens", equalTo(500))
                .body("values[1].scope.kind", equalTo("tenant"))
                .body("values[1].scope.tenant_id", equalTo(tenant))
                .body("values[0].masked", equalTo(true))
                .body("values[0].value", nullValue());

        given().headers(ADMIN).queryParam("namespace", namespace).queryParam("tenant_id", tenant)
                .get("/v1/config/revisions")
                .then().statusCode(200).body("revisions", hasSize(3))
                .body("revisions.reason", contains("provider key", "enterprise budget", "default budget"));

        given().headers(ADMIN).queryParam("scope", "global")
                .body(Map.of("value", Map.of("max_tokens", 200), "reason", "raise")).contentType(ContentType.JSON)
                .put("/v1/config/entries/{namespace}/{key}", namespace, "limits").then().statusCode(200);
        given().headers(ADMIN).contentType(ContentType.JSON).queryParam("scope", "global")
                .body(Map.of("to_revision", first, "reason", "too expensive"))
                .post("/v1/config/entries/{namespace}/{key}/rollback", namespace, "limits")
                .then().statusCode(200).body("changed", equalTo(true)).body("entry.value.max_tokens", equalTo(100));
        given().headers(ADMIN).queryParam("from", first).queryParam("to", first + 2).queryParam("namespace", namespace)
                .get("/v1/config/diff")
                .then().statusCode(200).body("diffs.key", containsInAnyOrder("api_key"));
    }

    /**
     * Proves: over REST a schema violation is a 400 application/problem+json whose
     * errors name the exact JSON path under "value"; a stale expected revision is 409
     * revision-mismatch; an unknown scope names the scope field.
     */
    @Test
    void problemsOverRest() {
        String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8) + ".rest";
        given().headers(ADMIN).contentType(ContentType.JSON)
                .body(Map.of("namespace", namespace, "schema", Map.of("type", "object",
                        "properties", Map.of("limits", Map.of("type", "object",
                                "properties", Map.of("max_tokens", Map.of("type", "integer", "minimum", 1)))))))
                .post("/v1/config/namespaces").then().statusCode(201);

        given().headers(ADMIN).contentType(ContentType.JSON).queryParam("scope", "global")
                .body(Map.of("value", Map.of("limits", Map.of("max_tokens", 0)), "reason", "bad"))
                .put("/v1/config/entries/{namespace}/{key}", namespace, "defaults")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("value.limits.max_tokens"));

        given().headers(ADMIN).contentType(ContentType.JSON).queryParam("scope", "global")
                .body(Map.of("value", 1, "reason", "first", "expected_revision", 5))
                .put("/v1/config/entries/{namespace}/{key}", namespace, "defaults")
                .then().statusCode(409).body("type", equalTo("https://aicunet.io/problems/conflict/revision-mismatch"));

        given().headers(ADMIN).contentType(ContentType.JSON).queryParam("scope", "region")
                .body(Map.of("value", 1, "reason", "first"))
                .put("/v1/config/entries/{namespace}/{key}", namespace, "defaults")
                .then().statusCode(400).body("errors.field", contains("scope.kind"));
    }
}
