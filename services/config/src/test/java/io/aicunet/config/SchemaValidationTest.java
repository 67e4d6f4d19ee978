package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.GetSchemaRequest;
import io.aicunet.contracts.config.v1.RegisterSchemaRequest;
import io.aicunet.contracts.config.v1.SchemaVersion;
import io.aicunet.platform.testing.GrpcCalls;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** JSON Schemas per namespace, versioned: every write validated, failures named by their exact JSON path. */
@QuarkusTest
class SchemaValidationTest extends ConfigTestBase {

    static final String ROUTING_SCHEMA = """
            {"type": "object",
             "properties": {
               "model": {"type": "string"},
               "limits": {"type": "object",
                          "properties": {"max_tokens": {"type": "integer", "minimum": 1}}},
               "fallbacks": {"type": "array", "items": {"type": "string"}}},
             "required": ["model"],
             "additionalProperties": false}""";

    /**
     * Proves: a value valid against the namespace's schema is stored; an invalid one is
     * refused with INVALID_ARGUMENT naming each failing JSON path exactly (a missing
     * required member, a number below its minimum, a wrong item type in an array, a
     * member the schema does not allow), and changes nothing.
     */
    @Test
    void everyWriteIsValidatedAndFailuresNameTheirPaths() {
        String namespace = newNamespace(ROUTING_SCHEMA);
        assertThat(put(namespace, "default", globalScope(),
                "{\"model\": \"gpt\", \"limits\": {\"max_tokens\": 100}}").getEntry().getSchemaVersion()).isEqualTo(1);

        StatusRuntimeException refused = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin().putEntry(
                entry(namespace, "default", globalScope(),
                        "{\"limits\": {\"max_tokens\": 0}, \"fallbacks\": [\"a\", 7], \"extra\": true}").build()));

        assertThat(GrpcCalls.violatedFields(refused)).containsExactlyInAnyOrder(
                "value_json.model", "value_json.limits.max_tokens", "value_json.fallbacks[1]", "value_json.extra");
        assertThat(JsonText.parse(admin().getEntry(GetEntryRequest.newBuilder().setNamespace(namespace)
                .setKey("default").setScope(globalScope()).build()).getEntry().getValue().getJson()))
                .as("the stored value is unchanged")
                .isEqualTo(JsonText.parse("{\"model\": \"gpt\", \"limits\": {\"max_tokens\": 100}}"));
    }

    /**
     * Proves: a new schema version that a stored entry violates is refused, naming the
     * entry and the path; a compatible one becomes version 2, and writes are then
     * validated against version 2 (at every scope).
     */
    @Test
    void schemasAreVersionedAndNeverInvalidateStoredEntries() {
        String namespace = newNamespace(ROUTING_SCHEMA);
        String tenant = aTenant();
        put(namespace, "default", tenantScope(tenant), "{\"model\": \"gpt\", \"limits\": {\"max_tokens\": 100}}");
        String stricter = ROUTING_SCHEMA.replace("\"minimum\": 1", "\"minimum\": 1000");

        StatusRuntimeException refused = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin()
                .registerSchema(RegisterSchemaRequest.newBuilder().setNamespace(namespace).setSchemaJson(stricter)
                        .build()));
        BadRequest.FieldViolation violation = GrpcCalls.detail(refused, BadRequest.class).getFieldViolations(0);
        assertThat(violation.getField()).isEqualTo("schema_json");
        assertThat(violation.getDescription()).contains(namespace + "/default@tenant:" + tenant)
                .contains("value.limits.max_tokens");

        String withTemperature = ROUTING_SCHEMA.replace("\"fallbacks\":",
                "\"temperature\": {\"type\": \"number\", \"maximum\": 2}, \"fallbacks\":");
        SchemaVersion second = admin().registerSchema(RegisterSchemaRequest.newBuilder().setNamespace(namespace)
                .setSchemaJson(withTemperature).build()).getSchema();
        assertThat(second.getVersion()).isEqualTo(2);
        assertThat(admin().getSchema(GetSchemaRequest.newBuilder().setNamespace(namespace).build()).getSchema()
                .getVersion()).isEqualTo(2);
        assertThat(admin().getSchema(GetSchemaRequest.newBuilder().setNamespace(namespace).setVersion(1).build())
                .getSchema().getSchemaJson()).doesNotContain("temperature");

        assertThat(put(namespace, "default", tenantScope(tenant), "{\"model\": \"gpt\", \"temperature\": 0.5}")
                .getEntry().getSchemaVersion()).isEqualTo(2);
        StatusRuntimeException tooHot = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin().putEntry(
                entry(namespace, "default", tenantScope(tenant), "{\"model\": \"gpt\", \"temperature\": 3}").build()));
        assertThat(GrpcCalls.violatedFields(tooHot)).containsExactly("value_json.temperature");
    }

    /**
     * Proves: a schema that is not a valid JSON Schema, or that refers to another
     * document (the service never fetches schemas), is refused with the path that is wrong.
     */
    @Test
    void invalidOrRemoteSchemasAreRefused() {
        String namespace = newNamespace();
        StatusRuntimeException notASchema = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin()
                .registerSchema(RegisterSchemaRequest.newBuilder().setNamespace(namespace)
                        .setSchemaJson("{\"type\": 12}").build()));
        assertThat(GrpcCalls.violatedFields(notASchema)).allMatch(field -> field.startsWith("schema_json"));

        StatusRuntimeException remote = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin()
                .registerSchema(RegisterSchemaRequest.newBuilder().setNamespace(namespace)
                        .setSchemaJson("{\"properties\": {\"a\": {\"$ref\": \"https://example.com/s.json\"}}}")
                        .build()));
        assertThat(GrpcCalls.violatedFields(remote)).containsExactly("schema_json.properties.a.$ref");
    }
}
