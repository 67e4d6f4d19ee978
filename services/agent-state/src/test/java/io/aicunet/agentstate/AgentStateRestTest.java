package io.aicunet.agentstate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The REST face of the agent-state service: the same use cases, problem+json errors. */
@QuarkusTest
class AgentStateRestTest {

    /**
     * Proves: over REST an agent registers (201, retry 200), moves to running, saves
     * checkpoints with compare-and-set (a stale version is 409 with current_version),
     * loads the latest with its state as JSON, heartbeats and claims a lease.
     */
    @Test
    void agentAndCheckpointsOverRest() {
        String tenant = AgentStateFixtures.aTenantId();
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);
        String key = "rest-" + UUID.randomUUID();
        Map<String, Object> agent = Map.of("kind", "rest-agent", "labels", Map.of("env", "test"));
        String agentId = given().headers(runtime).header("Idempotency-Key", key).contentType("application/json")
                .body(agent).when().post("/v1/agents")
                .then().statusCode(201).header("Location", containsString("/v1/agents/"))
                .body("agent.status", equalTo("registered")).extract().path("agent.id");
        given().headers(runtime).header("Idempotency-Key", key).contentType("application/json").body(agent)
                .when().post("/v1/agents").then().statusCode(200).body("agent.id", equalTo(agentId))
                .body("replayed", equalTo(true));
        for (String status : new String[] {"idle", "running"}) {
            given().headers(runtime).contentType("application/json").body(Map.of("status", status))
                    .when().post("/v1/agents/{id}/status", agentId).then().statusCode(200)
                    .body("status", equalTo(status));
        }

        String thread = UUID.randomUUID().toString();
        given().headers(runtime).contentType("application/json")
                .body(Map.of("expected_version", 0, "state_json", "{\"step\": 1}"))
                .when().post("/v1/agents/{a}/threads/{t}/checkpoints", agentId, thread)
                .then().statusCode(201).body("checkpoint.version", equalTo(1));
        given().headers(runtime).contentType("application/json")
                .body(Map.of("expected_version", 1, "state_json", "{\"step\": 2}"))
                .when().post("/v1/agents/{a}/threads/{t}/checkpoints", agentId, thread)
                .then().statusCode(201).body("checkpoint.version", equalTo(2));
        given().headers(runtime).contentType("application/json")
                .body(Map.of("expected_version", 1, "state_json", "{\"step\": \"late\"}"))
                .when().post("/v1/agents/{a}/threads/{t}/checkpoints", agentId, thread)
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://aicunet.io/problems/conflict/version-conflict"))
                .body("current_version", equalTo(2));
        given().headers(runtime).when().get("/v1/agents/{a}/threads/{t}/checkpoints/latest", agentId, thread)
                .then().statusCode(200).body("version", equalTo(2)).body("state.step", equalTo(2));
        given().headers(runtime).when().get("/v1/agents/{a}/threads/{t}/checkpoints?page_size=1", agentId, thread)
                .then().statusCode(200).body("checkpoints[0].version", equalTo(2))
                .body("next_page_token", org.hamcrest.Matchers.not(equalTo("")));

        given().headers(runtime).when().post("/v1/agents/{a}/heartbeats", agentId)
                .then().statusCode(200).body("lost_after_millis", equalTo(1500));
        given().headers(runtime).contentType("application/json").body(Map.of("worker_id", "rest-worker"))
                .when().post("/v1/agents/{a}/lease", agentId)
                .then().statusCode(200).body("fencing_token", equalTo(1));
    }

    /**
     * Proves: invalid JSON state and a malformed id are 400 problem+json naming the fields;
     * an illegal transition is 409; a body that is not JSON is 400 problem+json too.
     */
    @Test
    void badInputIsProblemJson() {
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(AgentStateFixtures.aTenantId());
        given().headers(runtime).contentType("application/json")
                .body(Map.of("expected_version", 0, "state_json", "{not json"))
                .when().post("/v1/agents/{a}/threads/{t}/checkpoints", "nope", UUID.randomUUID().toString())
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("state_json"))
                .body("errors.field", hasItem("agent_id"));
        String agentId = given().headers(runtime).header("Idempotency-Key", "k-" + UUID.randomUUID())
                .contentType("application/json").body(Map.of("kind", "k")).when().post("/v1/agents")
                .then().statusCode(201).extract().path("agent.id");
        given().headers(runtime).contentType("application/json").body(Map.of("status", "running"))
                .when().post("/v1/agents/{id}/status", agentId)
                .then().statusCode(409)
                .body("type", equalTo("https://aicunet.io/problems/failed-precondition/illegal-status-transition"));
        given().headers(runtime).contentType("application/json").body("{\"kind\": ")
                .header("Idempotency-Key", "broken").when().post("/v1/agents")
                .then().statusCode(400).contentType("application/problem+json");
    }

    /** Proves: queues work over REST: enqueue 201, claim, ack 204. */
    @Test
    void tasksOverRest() {
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(AgentStateFixtures.aTenantId());
        String taskId = given().headers(runtime).contentType("application/json")
                .body(Map.of("payload_json", "{\"job\": 7}")).when().post("/v1/queues/rest-q/tasks")
                .then().statusCode(201).extract().path("task_id");
        given().headers(runtime).contentType("application/json").body(Map.of("consumer", "c1", "count", 5))
                .when().post("/v1/queues/rest-q/claims")
                .then().statusCode(200).body("[0].id", equalTo(taskId)).body("[0].payload.job", equalTo(7));
        given().headers(runtime).contentType("application/json").body(Map.of("consumer", "c1"))
                .when().post("/v1/queues/rest-q/tasks/{id}/ack", taskId).then().statusCode(204);
    }
}
