package io.aicunet.agentstate;

import static io.aicunet.platform.testing.HostileValues.BROKEN;
import static io.aicunet.platform.testing.HostileValues.GENERATED;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.aicunet.contracts.agentstate.v1.AckTaskRequest;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.ChangeAgentStatusRequest;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.EraseTenantDataRequest;
import io.aicunet.contracts.agentstate.v1.FailTaskRequest;
import io.aicunet.contracts.agentstate.v1.ForkThreadRequest;
import io.aicunet.contracts.agentstate.v1.GetAgentRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.HeartbeatRequest;
import io.aicunet.contracts.agentstate.v1.ReleaseLeaseRequest;
import io.aicunet.contracts.agentstate.v1.RenewLeaseRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.SetRetentionPolicyRequest;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.HostileValues;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves: hostile but well-formed values at every write rpc of agent-state (RegisterAgent,
 * ChangeAgentStatus, Heartbeat, ClaimLease, RenewLease, ReleaseLease, SaveCheckpoint,
 * ForkThread, EnqueueTask, ClaimTasks, AckTask, FailTask, SetRetentionPolicy,
 * EraseTenantData), and at their REST routes where REST parses differently, are refused
 * (gRPC INVALID_ARGUMENT or another refusal, never INTERNAL, UNKNOWN, DATA_LOSS or
 * UNAVAILABLE; REST 4xx, never 5xx), and a refusal changes nothing: no agent, thread,
 * checkpoint, idempotency key or retention policy row, no lease, task or
 * dead letter in Redis. Values: NUL and other control characters and overlong text in every
 * text field; in state and payload JSON a NUL or lone surrogate escape, {@code 1e999999},
 * zeros with huge exponents, 5,000-deep nesting; integers at their extremes; stream ids
 * beyond Redis's 64-bit range; over REST lone surrogates and NULs as JSON escapes, numbers
 * beyond range and deep bodies. Each kind is the cases plus a bounded number (40)
 * of generated ones from a fixed seed, so a failure is reproducible. Over gRPC a lone
 * surrogate in a string field cannot arrive as such (protobuf sends it as "?"), so lone
 * surrogates are thrown as JSON escapes there and as escapes in REST bodies.
 */
@QuarkusTest
class HostileValuesTest extends GrpcTestBase {

    /** Writes every character outside ASCII as a JSON escape, so a lone surrogate travels as {@code \ud800}. */
    private static final JsonMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private Agent agent;
    private String thread;
    private String checkpoint;
    private String queue;
    private String taskId;
    private long token;
    /** The superuser's session the snapshots read through: one per test, not one per snapshot. */
    private Connection db;

    @AfterEach
    void closeSnapshotSession() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    /** One of everything a write could change: an agent with a lease, a thread, a queue with a claimed task. */
    @BeforeEach
    void oneOfEverything() throws Exception {
        db = FleetTestResource.database().connectAsSuperuser();
        // Every hostile value and a snapshot before and after it: several hundred calls a minute
        // for one tenant, beyond the STANDARD tier's 600 requests a minute (docs/rate-limits.md).
        tenant = TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                        TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().setQuotas(Quotas.newBuilder().setRequestsPerMinute(100_000)
                        .setTokensPerDay(100_000).setStorageBytes(1L << 30)).build())
                .getTenant().getId();
        agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        checkpoint = runtime().saveCheckpoint(first).getCheckpoint().getId();
        thread = first.getThreadId();
        queue = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
        runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson("{\"job\": 1}").build());
        runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson("{\"job\": 2}").build());
        taskId = runtime().claimTasks(ClaimTasksRequest.newBuilder().setQueue(queue).setConsumer("worker-1")
                .setCount(1).build()).getTasks(0).getId();
        // The longest lease there is (agent-state.lease.ttl-millis-max): a test that outlived a
        // shorter one on a loaded machine saw the lease expire, not a hostile value change it.
        token = runtime().claimLease(ClaimLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("worker-1")
                .setTtlMillis(600_000).build()).getFencingToken();
        agent = runtime().getAgent(GetAgentRequest.newBuilder().setAgentId(agent.getId()).build()).getAgent();
    }

    @Test
    void hostileJsonDocumentsAreRefusedWithoutChange() {
        for (String json : hostileJson()) {
            refusedWithoutChange("state_json " + abbreviated(json), () -> runtime().saveCheckpoint(
                    SaveCheckpointRequest.newBuilder().setAgentId(agent.getId()).setThreadId(thread)
                            .setExpectedVersion(1).setStateJson(json).build()));
            refusedWithoutChange("new thread's state_json " + abbreviated(json), () -> runtime().saveCheckpoint(
                    AgentStateFixtures.aFirstCheckpoint(agent.getId()).setStateJson(json).build()));
            refusedWithoutChange("payload_json " + abbreviated(json), () -> runtime().enqueueTask(
                    EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson(json).build()));
        }
    }

    @Test
    void hostileTextIsRefusedWithoutChange() {
        for (String text : hostileText()) {
            String what = abbreviated(text);
            refusedWithoutChange("kind " + what, () -> runtime().registerAgent(AgentStateFixtures.anAgent()
                    .setKind(text).build()));
            refusedWithoutChange("label value " + what, () -> runtime().registerAgent(AgentStateFixtures.anAgent()
                    .putLabels("team", text).build()));
            refusedWithoutChange("label key " + what, () -> runtime().registerAgent(AgentStateFixtures.anAgent()
                    .putLabels(text, "v").build()));
            refusedWithoutChange("register idempotency_key " + what, () -> runtime().registerAgent(
                    AgentStateFixtures.anAgent().setIdempotencyKey(text).build()));
            refusedWithoutChange("status reason " + what, () -> runtime().changeAgentStatus(
                    ChangeAgentStatusRequest.newBuilder().setAgentId(agent.getId())
                            .setStatus(AgentStatus.AGENT_STATUS_PAUSED).setReason(text).build()));
            refusedWithoutChange("agent_id " + what, () -> runtime().changeAgentStatus(
                    ChangeAgentStatusRequest.newBuilder().setAgentId(text)
                            .setStatus(AgentStatus.AGENT_STATUS_PAUSED).build()));
            refusedWithoutChange("heartbeat agent_id " + what, () -> runtime().heartbeat(
                    HeartbeatRequest.newBuilder().setAgentId(text).build()));
            refusedWithoutChange("metadata value " + what, () -> runtime().saveCheckpoint(nextCheckpoint()
                    .putMetadata("node", text).build()));
            refusedWithoutChange("metadata key " + what, () -> runtime().saveCheckpoint(nextCheckpoint()
                    .putMetadata(text, "v").build()));
            refusedWithoutChange("save idempotency_key " + what, () -> runtime().saveCheckpoint(nextCheckpoint()
                    .setIdempotencyKey(text).build()));
            refusedWithoutChange("thread_id " + what, () -> runtime().saveCheckpoint(nextCheckpoint()
                    .setThreadId(text).build()));
            refusedWithoutChange("fork idempotency_key " + what, () -> runtime().forkThread(fork()
                    .setIdempotencyKey(text).build()));
            refusedWithoutChange("fork new_thread_id " + what, () -> runtime().forkThread(fork()
                    .setNewThreadId(text).build()));
            refusedWithoutChange("claim worker_id " + what, () -> runtime().claimLease(ClaimLeaseRequest.newBuilder()
                    .setAgentId(agent.getId()).setWorkerId(text).build()));
            refusedWithoutChange("renew worker_id " + what, () -> runtime().renewLease(RenewLeaseRequest.newBuilder()
                    .setAgentId(agent.getId()).setWorkerId(text).setFencingToken(token).build()));
            refusedWithoutChange("release worker_id " + what, () -> runtime().releaseLease(
                    ReleaseLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId(text)
                            .setFencingToken(token).build()));
            refusedWithoutChange("queue " + what, () -> runtime().enqueueTask(EnqueueTaskRequest.newBuilder()
                    .setQueue(text).setPayloadJson("{}").build()));
            refusedWithoutChange("claim consumer " + what, () -> runtime().claimTasks(ClaimTasksRequest.newBuilder()
                    .setQueue(queue).setConsumer(text).setCount(1).build()));
            refusedWithoutChange("ack consumer " + what, () -> runtime().ackTask(AckTaskRequest.newBuilder()
                    .setQueue(queue).setTaskId(taskId).setConsumer(text).build()));
            refusedWithoutChange("ack task_id " + what, () -> runtime().ackTask(AckTaskRequest.newBuilder()
                    .setQueue(queue).setTaskId(text).setConsumer("worker-1").build()));
            refusedWithoutChange("fail consumer " + what, () -> runtime().failTask(FailTaskRequest.newBuilder()
                    .setQueue(queue).setTaskId(taskId).setConsumer(text).build()));
            refusedWithoutChange("fail reason " + what, () -> runtime().failTask(FailTaskRequest.newBuilder()
                    .setQueue(queue).setTaskId(taskId).setConsumer("worker-1").setReason(text).build()));
            refusedWithoutChange("retention tenant_id " + what, () -> admin().setRetentionPolicy(
                    SetRetentionPolicyRequest.newBuilder().setTenantId(text).setKeepLastCheckpoints(3).build()));
            answeredWithoutChange("erasure tenant_id " + what, () -> client.as(TestCallers.service("tenant", tenant))
                    .eraseTenantData(EraseTenantDataRequest.newBuilder().setTenantId(text).build()));
        }
    }

    @Test
    void extremeNumbersAreRefusedWithoutChange() {
        for (long number : List.of(Long.MIN_VALUE, -1L, Long.MAX_VALUE)) {
            answeredWithoutChange("expected_version " + number, () -> runtime().changeAgentStatus(
                    ChangeAgentStatusRequest.newBuilder().setAgentId(agent.getId())
                            .setStatus(AgentStatus.AGENT_STATUS_PAUSED).setExpectedVersion(number).build()));
            answeredWithoutChange("status fencing_token " + number, () -> runtime().changeAgentStatus(
                    ChangeAgentStatusRequest.newBuilder().setAgentId(agent.getId())
                            .setStatus(AgentStatus.AGENT_STATUS_PAUSED).setFencingToken(number).build()));
            answeredWithoutChange("claim ttl_millis " + number, () -> admin().claimLease(ClaimLeaseRequest
                    .newBuilder().setAgentId(agent.getId()).setWorkerId("worker-2").setTtlMillis(number).build()));
            answeredWithoutChange("renew ttl_millis " + number, () -> runtime().renewLease(RenewLeaseRequest
                    .newBuilder().setAgentId(agent.getId()).setWorkerId("worker-1").setFencingToken(token)
                    .setTtlMillis(number).build()));
            answeredWithoutChange("renew fencing_token " + number, () -> runtime().renewLease(RenewLeaseRequest
                    .newBuilder().setAgentId(agent.getId()).setWorkerId("worker-1").setFencingToken(number).build()));
            // Releasing a lease not held with this token succeeds and changes nothing (a retried release).
            withoutChange("release fencing_token " + number, () -> runtime().releaseLease(
                    ReleaseLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("worker-1")
                            .setFencingToken(number).build()));
            answeredWithoutChange("save expected_version " + number, () -> runtime().saveCheckpoint(nextCheckpoint()
                    .setExpectedVersion(number).build()));
            answeredWithoutChange("save fencing_token " + number, () -> runtime().saveCheckpoint(nextCheckpoint()
                    .setFencingToken(number).build()));
            answeredWithoutChange("idle_thread_ttl_seconds " + number, () -> admin().setRetentionPolicy(
                    SetRetentionPolicyRequest.newBuilder().setKeepLastCheckpoints(3).setIdleThreadTtlSeconds(number)
                            .build()));
        }
        for (int number : List.of(Integer.MIN_VALUE, -1, Integer.MAX_VALUE)) {
            answeredWithoutChange("count " + number, () -> runtime().claimTasks(ClaimTasksRequest.newBuilder()
                    .setQueue(queue).setConsumer("worker-2").setCount(number).build()));
            answeredWithoutChange("keep_last_checkpoints " + number, () -> admin().setRetentionPolicy(
                    SetRetentionPolicyRequest.newBuilder().setKeepLastCheckpoints(number).build()));
            answeredWithoutChange("status " + number, () -> runtime().changeAgentStatus(ChangeAgentStatusRequest
                    .newBuilder().setAgentId(agent.getId()).setStatusValue(number).build()));
        }
        // Redis stream ids are two unsigned 64-bit numbers: these fit the pattern but not Redis.
        for (String id : List.of("99999999999999999999-0", "18446744073709551616-0", "0-18446744073709551616",
                "99999999999999999999-99999999999999999999")) {
            refusedWithoutChange("ack task_id " + id, () -> runtime().ackTask(AckTaskRequest.newBuilder()
                    .setQueue(queue).setTaskId(id).setConsumer("worker-1").build()));
            refusedWithoutChange("fail task_id " + id, () -> runtime().failTask(FailTaskRequest.newBuilder()
                    .setQueue(queue).setTaskId(id).setConsumer("worker-1").build()));
        }
    }

    /** REST reads its bodies with Jackson: escapes decode to NULs and lone surrogates, numbers can overflow. */
    @Test
    void hostileRestBodiesAreRefusedWithoutChange() {
        String checkpoints = "/v1/agents/" + agent.getId() + "/threads/" + thread + "/checkpoints";
        String tasks = "/v1/queues/" + queue + "/tasks";
        List<String> jsonValues = new ArrayList<>(hostileJson());
        // A raw lone surrogate in the JSON text: the REST body carries it as an escape of the outer string.
        char high = (char) 0xD800;
        char low = (char) 0xDC00;
        jsonValues.addAll(List.of("\"" + high + "\"", "{\"k\":\"x" + low + "\"}", "[\"" + high + "\\" + "udc00\"]"));
        for (String json : jsonValues) {
            refusedOverRest("POST", checkpoints, body("expected_version", 1, "state_json", json));
            refusedOverRest("POST", tasks, body("payload_json", json));
        }
        for (String text : restText()) {
            refusedOverRest("POST", "/v1/agents", body("kind", text));
            refusedOverRest("POST", "/v1/agents", body("kind", "k", "labels", Map.of("team", text)));
            refusedOverRest("POST", "/v1/agents", body("kind", "k", "labels", Map.of(text, "v")));
            refusedOverRest("POST", "/v1/agents/" + agent.getId() + "/status",
                    body("status", "paused", "reason", text));
            refusedOverRest("POST", checkpoints, body("expected_version", 1, "state_json", "{}",
                    "metadata", Map.of("node", text)));
            refusedOverRest("POST", checkpoints, body("expected_version", 1, "state_json", "{}",
                    "metadata", Map.of(text, "v")));
            refusedOverRest("POST", "/v1/agents/" + agent.getId() + "/lease", body("worker_id", text));
            refusedOverRest("POST", tasks + "/" + taskId + "/failure", body("consumer", "worker-1", "reason", text));
            refusedOverRest("POST", tasks + "/" + taskId + "/ack", body("consumer", text));
        }
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        for (String raw : List.of(
                "{\"expected_version\":1e999999,\"state_json\":\"{}\"}",
                "{\"expected_version\":99999999999999999999,\"state_json\":\"{}\"}",
                "{\"expected_version\":1,\"fencing_token\":-1e999999,\"state_json\":\"{}\"}",
                "{\"expected_version\":1,\"state_json\":" + deep + "}",
                "{\"expected_version\":1,\"state_json\":\"{}\",\"metadata\":" + "{\"a\":".repeat(5_000) + "1"
                        + "}".repeat(5_000) + "}",
                "{\"expected_version\":1,\"state_json\":\"{}\",\"metadata\":{\"node\":\"\\u0000\"}}",
                "{\"expected_version\":1,\"state_json\":\"{\\\"a\\\":1e999999}\"}")) {
            refusedOverRest("POST", checkpoints, raw);
        }
        refusedOverRest("POST", tasks, "{\"payload_json\":" + deep + "}");
        refusedOverRest("POST", "/v1/agents/" + agent.getId() + "/lease",
                "{\"worker_id\":\"w\",\"ttl_millis\":1e999999}");
        refusedOverRest("POST", "/v1/agents/" + agent.getId() + "/lease",
                "{\"worker_id\":\"w\",\"ttl_millis\":-99999999999999999999}");
        refusedOverRest("POST", "/v1/queues/" + queue + "/claims", "{\"consumer\":\"w\",\"count\":4294967297}");
        refusedOverRest("POST", "/v1/queues/%00/tasks", "{\"payload_json\":\"{}\"}");
        refusedOverRest("POST", "/v1/agents/%00/heartbeats", "");
        refusedOverRest("POST", "/v1/agents/%ED%A0%80/status", "{\"status\":\"paused\"}");
        refusedOverRest("POST", tasks + "/99999999999999999999-0/ack", "{\"consumer\":\"worker-1\"}");
    }

    // ---- the assertions ---------------------------------------------------------------

    /** A call that must be refused as a field violation, changing nothing. */
    private void refusedWithoutChange(String what, Supplier<?> call) {
        HostileValues.refusedWithoutChange(what, this::snapshot, call, Status.Code.INVALID_ARGUMENT);
    }

    /** A call that must be refused (field violation, conflict, precondition...), never broken, changing nothing. */
    private void answeredWithoutChange(String what, Supplier<?> call) {
        HostileValues.refusedWithoutChange(what, this::snapshot, call, null);
    }

    /** A call that may succeed or be refused, but is never broken and changes nothing. */
    private void withoutChange(String what, Supplier<?> call) {
        List<Object> before = snapshot();
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::get);
        if (failure != null) {
            assertThat(failure.getStatus().getCode()).as("%s: %s", what, failure.getStatus()).isNotIn(BROKEN);
        }
        assertThat(snapshot()).as("%s changes nothing", what).isEqualTo(before);
    }

    private void refusedOverRest(String method, String path, String body) {
        List<Object> before = snapshot();
        // A fresh idempotency key, so that a registration is refused for its body, not for a missing key.
        var request = given().headers(AgentStateFixtures.runtimeOf(tenant)).urlEncodingEnabled(false)
                .header("Idempotency-Key", "hostile-" + UUID.randomUUID());
        if (!body.isEmpty()) {
            request = request.contentType("application/json").body(body);
        }
        var response = request.when().request(method, path).then().extract();
        String what = method + " " + path + " " + abbreviated(body);
        assertThat(response.statusCode()).as("%s: %s", what, response.body().asString())
                .isBetween(400, 499);
        assertThat(snapshot()).as("%s: a refused request changes nothing", what).isEqualTo(before);
    }

    /**
     * Everything of the tenant a write could change: its rows (agents and their versions,
     * threads and their versions, checkpoints, idempotency keys, retention policies; not the
     * outbox, which the relay empties meanwhile), the agent as read, the thread's latest
     * checkpoint, the lease, the queue, its pending tasks and its dead letters.
     */
    private List<Object> snapshot() {
        List<Object> state = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement("""
                        SELECT (SELECT count(*) FROM agent_state.agents WHERE tenant_id = ?::uuid),
                               (SELECT coalesce(sum(version), 0) FROM agent_state.agents WHERE tenant_id = ?::uuid),
                               (SELECT count(*) FROM agent_state.threads WHERE tenant_id = ?::uuid),
                               (SELECT coalesce(sum(latest_version), 0) FROM agent_state.threads
                                 WHERE tenant_id = ?::uuid),
                               (SELECT count(*) FROM agent_state.checkpoints WHERE tenant_id = ?::uuid),
                               (SELECT count(*) FROM agent_state.idempotency_keys WHERE tenant_id = ?::uuid),
                               (SELECT count(*) FROM agent_state.retention_policies WHERE tenant_id = ?::uuid)""")) {
            for (int i = 1; i <= 7; i++) {
                select.setString(i, tenant);
            }
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                for (int i = 1; i <= 7; i++) {
                    state.add(rows.getLong(i));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the tenant's rows", e);
        }
        state.add(runtime().getAgent(GetAgentRequest.newBuilder().setAgentId(agent.getId()).build()).getAgent());
        state.add(runtime().getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(thread).build()).getCheckpoint());
        String prefix = RedisProbe.prefix(tenant);
        state.add(String.valueOf(RedisProbe.send(Command.GET, prefix + "agent:" + agent.getId() + ":lease")));
        state.add(RedisProbe.send(Command.XLEN, prefix + "queue:" + queue).toLong());
        Response pending = RedisProbe.send(Command.XPENDING, prefix + "queue:" + queue, "workers");
        state.add(pending.get(0).toLong());
        state.add(RedisProbe.send(Command.XLEN, prefix + "queue:" + queue + ":dead").toLong());
        return state;
    }

    // ---- the requests -----------------------------------------------------------------

    /** A save that would be the thread's version 2 if its values were fine. */
    private SaveCheckpointRequest.Builder nextCheckpoint() {
        return SaveCheckpointRequest.newBuilder().setAgentId(agent.getId()).setThreadId(thread).setExpectedVersion(1)
                .setStateJson("{\"step\": 2}");
    }

    /** A fork that would start a new thread if its values were fine. */
    private ForkThreadRequest.Builder fork() {
        return ForkThreadRequest.newBuilder().setAgentId(agent.getId()).setThreadId(thread)
                .setCheckpointId(checkpoint);
    }

    /** The tenant's administrator, who may also set its retention policy. */
    private io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub admin() {
        return client.as(TestCallers.ofTenant(tenant, "tenant-admin"));
    }

    /** A JSON body of alternating names and values, every non-ASCII character (a lone surrogate too) escaped. */
    private static String body(Object... namesAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            body.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        try {
            return ESCAPING.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the values -------------------------------------------------------------------

    /** The JSON cases plus generated ones: NUL and lone surrogate escapes, huge numbers, deep nesting. */
    private static List<String> hostileJson() {
        List<String> values = new ArrayList<>(List.of(
                "\"a\\u0000b\"", "{\"k\":\"\\u0000\"}", "{\"\\u0000\":1}", "\"\\ud800\"", "[\"\\udc00x\"]",
                "\"\\ud800\\u0041\"", "1e999999", "-1E400", "{\"n\":1e999999}", "0e-99999999", "0e99999999999",
                "[0.0e-20000]", "[".repeat(5_000) + "]".repeat(5_000),
                "{\"a\":".repeat(100) + "1" + "}".repeat(100)));
        Random random = new Random(14);
        for (int i = 0; i < GENERATED; i++) {
            values.add(generatedJson(random));
        }
        return values;
    }

    /** A JSON text holding one hostile part: a NUL or lone surrogate escape, a huge number, or deep nesting. */
    private static String generatedJson(Random random) {
        String hostile = switch (random.nextInt(5)) {
            case 0 -> "\"" + "x".repeat(random.nextInt(5)) + "\\u0000\"";
            case 1 -> "\"\\u" + Integer.toHexString(0xD800 + random.nextInt(0x800)) + "\"";
            case 2 -> (random.nextBoolean() ? "-" : "") + (1 + random.nextInt(9)) + "e" + (400 + random.nextInt(1_000_000));
            case 3 -> "0e" + (random.nextBoolean() ? "-" : "") + (20_000 + random.nextInt(1_000_000));
            default -> {
                int depth = 65 + random.nextInt(2_000);
                yield "[".repeat(depth) + "]".repeat(depth);
            }
        };
        return random.nextBoolean() ? hostile : "{\"k\":[1," + hostile + "]}";
    }

    /**
     * Texts no field of agent-state takes: NUL and other control characters (gRPC carries
     * them as they are) and text longer than any field's limit (1024 is the longest).
     */
    private static List<String> hostileText() {
        return HostileValues.texts(41, 1024, "", "a\u0000b", "\u0000", "line\nbreak", "bell\u0007", "del\u007F",
                "c1\u0085", "x".repeat(10_000));
    }

    /** Over REST a lone surrogate arrives as such (from its escape), so it joins the hostile texts. */
    private static List<String> restText() {
        List<String> texts = new ArrayList<>(List.of("a\u0000b", "\ud800", "x\udc00y", "bell\u0007", "c1\u0085",
                "x".repeat(10_000)));
        Random random = new Random(43);
        for (int i = 0; i < GENERATED / 4; i++) {
            texts.add(random.nextBoolean() ? HostileValues.generatedText(random, 1024, "")
                    : "text " + (char) (0xD800 + random.nextInt(0x800)) + random.nextInt(1_000));
        }
        return texts;
    }

    private static String abbreviated(String text) {
        String shown = text.length() <= 60 ? text : text.substring(0, 57) + "...";
        StringBuilder escaped = new StringBuilder();
        shown.chars().forEach(c -> escaped.append(c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return escaped + " (" + text.length() + " chars)";
    }
}
