package io.aicunet.config;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.nullValue;

import io.aicunet.platform.testing.StrictJsonCheck;
import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Proves: the config REST API takes strict JSON where a field has a type (a boolean
 * namespace, a boolean reason, a string for a boolean, an unknown property are each a
 * 400 problem+json naming the field, and nothing is written), while an entry's value
 * stays any JSON value, nulls and mixed arrays included; a method the entry path does
 * not have is a 405 with Allow.
 */
@QuarkusTest
class StrictJsonTest {

    private static final Map<String, String> ADMIN = TestCallers.platformAdmin();

    @TestHTTPResource(tls = true)
    URL service;

    @Test
    void refusesTypedFieldsOfTheWrongTypeButKeepsFreeFormValues() {
        String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8) + ".strict";
        String entry = "/v1/config/entries/" + namespace + "/limits";
        given().headers(ADMIN).contentType(ContentType.JSON)
                .body(Map.of("namespace", namespace, "description", "strict JSON"))
                .post("/v1/config/namespaces")
                .then().statusCode(201);

        StrictJsonCheck.of(service, ADMIN)
                .assertRefused("POST", "/v1/config/namespaces", "{\"namespace\" 1}", "body")
                .assertRefused("POST", "/v1/config/namespaces", "{\"namespace\":null}", "namespace")
                .assertTooLarge("POST", "/v1/config/namespaces")
                .assertRefused("POST", "/v1/config/namespaces", "{\"namespace\":true}", "namespace")
                .assertRefused("POST", "/v1/config/namespaces",
                        "{\"namespace\":\"" + namespace + "x\",\"description\":1}", "description")
                .assertRefused("POST", "/v1/config/namespaces",
                        "{\"namespace\":\"" + namespace + "y\",\"owner\":\"me\"}", "owner")
                .assertRefused("PUT", entry + "?scope=global", "{\"value\":{\"a\":[null]},\"reason\":false}",
                        "reason")
                .assertRefused("PUT", entry + "?scope=global", "{\"value\":1,\"secret\":\"true\"}", "secret")
                .assertRefused("PUT", entry + "?scope=global", "{\"value\":1,\"expected_revision\":\"0\"}",
                        "expected_revision")
                .assertRefused("PUT", entry + "?scope=global", "{\"value\":1,\"revision\":3}", "revision")
                .assertRefused("PUT", entry + "?scope=global&scopes=tenant", "{\"value\":1,\"reason\":\"r\"}",
                        "scopes")
                .assertMethodNotAllowed("POST", entry, "DELETE", "GET", "PUT");

        given().headers(ADMIN).get("/v1/config/namespaces/{namespace}", "true").then().statusCode(404);
        given().headers(ADMIN).queryParam("scope", "global").get(entry).then().statusCode(404);
        // A value is any JSON: nulls inside it and mixed arrays are the caller's data, not violations.
        given().headers(ADMIN).contentType(ContentType.JSON).queryParam("scope", "global")
                .body("{\"value\":{\"a\":[null,1,true,\"x\"],\"b\":null},\"reason\":\"free-form\"}")
                .put(entry)
                .then().statusCode(200).body("changed", equalTo(true)).body("entry.value.a[2]", equalTo(true));
    }

    /**
     * Proves: {@code "value": null} is the JSON value null, stored and read back as such
     * (not masked, a revision of its own), as the document says; leaving {@code value} out
     * is refused naming it, and {@code "schema": null} is not a JSON Schema (400), while a
     * namespace without {@code schema} has none. Unlike every typed property (StrictJson
     * refuses their explicit null), a free-form value takes null as data.
     */
    @Test
    void anExplicitNullValueIsTheJsonValueNull() {
        String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8) + ".nulls";
        String entry = "/v1/config/entries/" + namespace + "/feature";
        given().headers(ADMIN).contentType(ContentType.JSON).body(Map.of("namespace", namespace))
                .post("/v1/config/namespaces")
                .then().statusCode(201).body("schema_version", equalTo(0));

        int revision = given().headers(ADMIN).contentType(ContentType.JSON).queryParam("scope", "global")
                .body("{\"value\":null,\"reason\":\"switched off\"}")
                .put(entry)
                .then().statusCode(200).body("changed", equalTo(true))
                .body("entry.value", nullValue()).body("entry.masked", equalTo(false))
                .extract().path("revision");
        given().headers(ADMIN).queryParam("scope", "global").get(entry)
                .then().statusCode(200).body("revision", equalTo(revision)).body("masked", equalTo(false))
                .body("$", hasKey("value")).body("value", nullValue());
        given().headers(ADMIN).contentType(ContentType.JSON).queryParam("scope", "global")
                .body("{\"value\":null,\"reason\":\"again\"}")
                .put(entry)
                .then().statusCode(200).body("changed", equalTo(false)).body("revision", equalTo(revision));

        StrictJsonCheck.of(service, ADMIN)
                .assertRefused("PUT", entry + "?scope=global", "{\"reason\":\"no value\"}", "value")
                .assertRefused("POST", "/v1/config/namespaces",
                        "{\"namespace\":\"" + namespace + "x\",\"schema\":null}", "schema");
    }
}
