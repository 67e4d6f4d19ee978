package io.aicunet.agentstate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.aicunet.platform.testing.StrictJsonCheck;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Proves: the agent-state REST API takes strict JSON. A number or boolean as a task's
 * payload_json (which is JSON text, a string), a boolean kind, a null label and an
 * unknown property are each a 400 problem+json naming the field, and nothing is written
 * (the queue stays empty); a method the tasks path does not have is a 405 with Allow.
 */
@QuarkusTest
class StrictJsonTest {

    @TestHTTPResource(tls = true)
    URL service;

    @Test
    void refusesWhatIsNotExactlyTheRequestAndWritesNothing() {
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(AgentStateFixtures.aTenantId());
        String queue = "strict-" + UUID.randomUUID().toString().substring(0, 8);
        String tasks = "/v1/queues/" + queue + "/tasks";

        StrictJsonCheck.of(service, runtime)
                .assertRefused("POST", tasks, "{\"payload_json\" 1}", "body")
                .assertRefused("POST", tasks, "{\"payload_json\":null}", "payload_json")
                .assertTooLarge("POST", tasks)
                .assertRefused("POST", tasks, "{\"payload_json\":0}", "payload_json")
                .assertRefused("POST", tasks, "{\"payload_json\":true}", "payload_json")
                .assertRefused("POST", tasks, "{\"payload_json\":{\"job\":7}}", "payload_json")
                .assertRefused("POST", tasks, "{\"payload_json\":\"{}\",\"priority\":1}", "priority")
                .assertRefused("POST", tasks + "?priority=1", "{\"payload_json\":\"{}\"}", "priority")
                .assertRefused("POST", "/v1/agents", "{\"kind\":false}", "kind")
                .assertRefused("POST", "/v1/agents", "{\"kind\":\"k\",\"labels\":{\"env\":null}}", "labels.env")
                .assertRefused("POST", "/v1/agents", "{\"kind\":\"k\",\"labels\":{\"env\":1}}", "labels.env")
                .assertMethodNotAllowed("GET", tasks, "POST");

        given().headers(runtime).contentType("application/json").body(Map.of("consumer", "c1", "count", 5))
                .when().post("/v1/queues/{queue}/claims", queue)
                .then().statusCode(200).body("size()", equalTo(0));
        given().headers(runtime).contentType("application/json").body(Map.of("payload_json", "{\"job\": 7}"))
                .when().post(tasks).then().statusCode(201);
    }
}
