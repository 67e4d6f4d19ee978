package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import io.aicunet.contracts.agentstate.v1.AckTaskRequest;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.FailTaskRequest;
import io.aicunet.contracts.agentstate.v1.Task;
import io.aicunet.platform.testing.GrpcCalls;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The bound on a tenant's task queues (agent-state.tasks.queues-per-tenant-max, 8 in
 * tests): counted on Redis in the enqueue script, so every replica sees one count.
 */
@QuarkusTest
class QueuesPerTenantTest extends GrpcTestBase {

    private static final String LIMIT = "agent-state.tasks.queues-per-tenant-max";

    @ConfigProperty(name = LIMIT)
    int queuesMax;

    /**
     * Proves: a tenant creates exactly its maximum of queues; one more is RESOURCE_EXHAUSTED
     * naming the setting, the bound and the current count, and creates nothing (no stream,
     * the count unchanged); enqueueing into a queue it has still works at the bound; when
     * the last task of one queue is acknowledged that queue is deleted and stops counting,
     * so exactly one more queue gets in, and the next is refused again. Another tenant is
     * not affected by this tenant's count.
     */
    @Test
    void exactlyTheBoundThenRefusedUntilOneIsFreed() {
        assertThat(queuesMax).as("the test bound").isEqualTo(8);
        List<String> queues = new ArrayList<>();
        for (int i = 0; i < queuesMax; i++) {
            queues.add("bound-" + i);
            enqueue(queues.get(i), "{\"n\": " + i + "}");
        }
        assertThat(countedQueues()).isEqualTo(queuesMax);

        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> enqueue("one-too-many", "{}"));
        assertRefused(refused, queuesMax);
        assertThat(exists("queue:one-too-many")).as("the refused queue was not created").isFalse();
        assertThat(countedQueues()).isEqualTo(queuesMax);

        String again = enqueue(queues.get(0), "{\"n\": \"again\"}");
        assertThat(again).as("a queue that exists is never refused").isNotEmpty();

        List<Task> tasks = claim(queues.get(0), 10);
        assertThat(tasks).hasSize(2);
        tasks.forEach(task -> runtime().ackTask(AckTaskRequest.newBuilder().setQueue(queues.get(0))
                .setTaskId(task.getId()).setConsumer("worker").build()));
        assertThat(exists("queue:" + queues.get(0))).as("an emptied queue is deleted").isFalse();
        assertThat(countedQueues()).isEqualTo(queuesMax - 1);

        enqueue("one-too-many", "{}");
        assertThat(codeOf(catchThrowableOfType(StatusRuntimeException.class, () -> enqueue("and-another", "{}"))))
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(countedQueues()).isEqualTo(queuesMax);

        String otherTenant = AgentStateFixtures.aTenantId();
        assertThat(client.as(AgentStateFixtures.runtimeOf(otherTenant)).enqueueTask(EnqueueTaskRequest.newBuilder()
                .setQueue("one-too-many").setPayloadJson("{}").build()).getTaskId())
                .as("the count is per tenant").isNotEmpty();
    }

    /**
     * Proves: a queue whose last task went to the dead-letter stream is deleted but keeps
     * counting while its dead letters live (they hold the tenant's payloads too), so a
     * tenant cannot cycle through queues by dead-lettering them; enqueueing into it again
     * is not a new queue and is never refused.
     */
    @Test
    void aQueueWithDeadLettersKeepsCounting() {
        for (int i = 0; i < queuesMax; i++) {
            enqueue("dead-" + i, "{}");
        }
        String dying = "dead-0";
        for (int delivery = 1; delivery <= 3; delivery++) {
            Task task = claim(dying, 1).get(0);
            runtime().failTask(FailTaskRequest.newBuilder().setQueue(dying).setTaskId(task.getId())
                    .setConsumer("worker").setReason("boom").build());
        }
        assertThat(exists("queue:" + dying)).as("its stream is empty, hence deleted").isFalse();
        assertThat(exists("queue:" + dying + ":dead")).isTrue();
        assertThat(countedQueues()).isEqualTo(queuesMax);
        assertRefused(catchThrowableOfType(StatusRuntimeException.class, () -> enqueue("fresh", "{}")), queuesMax);
        enqueue(dying, "{\"n\": \"back\"}");
        assertThat(countedQueues()).isEqualTo(queuesMax);
    }

    /**
     * Proves: the count is atomic: 24 enqueues into 24 new queues of one tenant, sent at
     * once from 8 threads over two gRPC connections, create exactly the bound (8) and refuse
     * the other 16 with RESOURCE_EXHAUSTED, never more (the check and the creation are one
     * Redis script, not a read followed by a write).
     */
    @Test
    void concurrentCreatesNeverOvershoot() throws Exception {
        AgentStateGrpcClient second = new AgentStateGrpcClient(service.getPort());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> creates = new ArrayList<>();
            for (int i = 0; i < 3 * queuesMax; i++) {
                String queue = "race-" + i;
                AgentStateGrpcClient through = i % 2 == 0 ? client : second;
                creates.add(() -> {
                    try {
                        through.as(AgentStateFixtures.runtimeOf(tenant)).enqueueTask(EnqueueTaskRequest.newBuilder()
                                .setQueue(queue).setPayloadJson("{}").build());
                        return true;
                    } catch (StatusRuntimeException e) {
                        assertThat(codeOf(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        return false;
                    }
                });
            }
            int created = 0;
            for (Future<Boolean> outcome : threads.invokeAll(creates, 60, TimeUnit.SECONDS)) {
                created += outcome.get() ? 1 : 0;
            }
            assertThat(created).isEqualTo(queuesMax);
            assertThat(countedQueues()).isEqualTo(queuesMax);
            long streams = 0;
            for (int i = 0; i < 3 * queuesMax; i++) {
                streams += exists("queue:race-" + i) ? 1 : 0;
            }
            assertThat(streams).as("streams that exist").isEqualTo(queuesMax);
        } finally {
            threads.shutdownNow();
            second.close();
        }
    }

    /**
     * Proves: over REST the refusal is 429 application/problem+json of type
     * resource-exhausted, with the setting, the bound and the tenant's current count as
     * members, and nothing is created.
     */
    @Test
    void overRestTheRefusalIs429ProblemJson() {
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);
        for (int i = 0; i < queuesMax; i++) {
            given().headers(runtime).contentType("application/json").body(Map.of("payload_json", "{}"))
                    .when().post("/v1/queues/rest-{n}/tasks", i).then().statusCode(201);
        }
        given().headers(runtime).contentType("application/json").body(Map.of("payload_json", "{}"))
                .when().post("/v1/queues/rest-over/tasks")
                .then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("https://aicunet.io/problems/resource-exhausted"))
                .body("limit", equalTo(LIMIT))
                .body("bound", equalTo(queuesMax))
                .body("current", equalTo(queuesMax))
                .body("detail", containsString("rest-over was not created"));
        assertThat(exists("queue:rest-over")).isFalse();
        given().headers(runtime).contentType("application/json").body(Map.of("payload_json", "{}"))
                .when().post("/v1/queues/rest-0/tasks").then().statusCode(201);
    }

    private void assertRefused(StatusRuntimeException refused, int bound) {
        assertThat(codeOf(refused)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        ErrorInfo info = GrpcCalls.errorInfo(refused);
        assertThat(info.getReason()).isEqualTo(LIMIT);
        assertThat(info.getMetadataMap()).containsEntry("bound", String.valueOf(bound))
                .containsEntry("current", String.valueOf(bound));
        QuotaFailure quota = GrpcCalls.detail(refused, QuotaFailure.class);
        assertThat(quota.getViolations(0).getSubject()).isEqualTo("tenants/" + tenant + "/queues");
        assertThat(refused.getStatus().getDescription()).contains("maximum is " + bound);
    }

    private String enqueue(String queue, String payload) {
        return runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson(payload).build())
                .getTaskId();
    }

    private List<Task> claim(String queue, int count) {
        return runtime().claimTasks(ClaimTasksRequest.newBuilder().setQueue(queue).setConsumer("worker")
                .setCount(count).build()).getTasksList();
    }

    private long countedQueues() {
        return RedisProbe.send(Command.ZCARD, RedisProbe.prefix(tenant) + "queues").toLong();
    }

    private boolean exists(String key) {
        return RedisProbe.send(Command.EXISTS, RedisProbe.prefix(tenant) + key).toLong() == 1;
    }
}
