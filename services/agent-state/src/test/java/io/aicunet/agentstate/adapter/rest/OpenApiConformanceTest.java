package io.aicunet.agentstate.adapter.rest;

import io.aicunet.agentstate.AgentStateFixtures;
import io.aicunet.platform.testing.OpenApiConformance;
import io.aicunet.platform.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Proves: agent-state answers every REST operation as its own OpenAPI document
 * ({@code /q/openapi}) says, judged by Schemathesis with all its checks: no 5xx; every
 * status, header, content type and body as documented; requests valid by the document
 * accepted and invalid ones refused; calls without the token refused; 405 with
 * {@code Allow} for methods a path lacks. The caller is a tenant administrator of a real
 * tenant (it has a data key, so states and payloads can be stored): the role with the
 * most agent-state actions; only erasure, which the tenant service alone may start, is
 * refused to it (403, documented).
 */
@QuarkusTest
class OpenApiConformanceTest {

    /**
     * The two operations that take a JSON document as JSON text in a string
     * ({@code state_json}, {@code payload_json}, as over gRPC). That the text must be one
     * JSON value within the service's limits cannot be said in JSON Schema:
     * {@code contentMediaType: application/json} is an annotation, not an assertion, so
     * Schemathesis rightly counts {@code "00"} as schema-valid, and the service rightly
     * refuses it with 400 naming the field. The documents' descriptions say the rule; for
     * these two operations alone, the check that schema-valid requests are accepted is
     * left out, and every other check still runs on them.
     */
    private static final String[] JSON_TEXT_OPERATIONS = {"saveCheckpoint", "enqueueTask"};

    @TestHTTPResource(tls = true)
    URL service;

    @Test
    void theServiceAnswersAsItsDocumentSays() {
        String tenant = AgentStateFixtures.aTenantId();
        String token = TestTokens.user("openapi-" + tenant.substring(0, 8), Optional.of(tenant),
                Set.of("tenant-admin"));
        URI base = URI.create(service.getProtocol() + "://" + service.getHost() + ":" + service.getPort());

        OpenApiConformance.check(base, token, operations("--exclude-operation-id"));
        String[] jsonText = operations("--include-operation-id");
        String[] arguments = new String[jsonText.length + 2];
        System.arraycopy(jsonText, 0, arguments, 0, jsonText.length);
        arguments[jsonText.length] = "--exclude-checks";
        arguments[jsonText.length + 1] = "positive_data_acceptance";
        OpenApiConformance.check(base, token, arguments);
    }

    private static String[] operations(String option) {
        String[] arguments = new String[JSON_TEXT_OPERATIONS.length * 2];
        for (int i = 0; i < JSON_TEXT_OPERATIONS.length; i++) {
            arguments[2 * i] = option;
            arguments[2 * i + 1] = JSON_TEXT_OPERATIONS[i];
        }
        return arguments;
    }
}
