package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static io.aicunet.platform.testing.GrpcCalls.preconditionType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.FailTaskRequest;
import io.aicunet.contracts.agentstate.v1.GetAgentRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.HeartbeatRequest;
import io.aicunet.contracts.agentstate.v1.ListDeadTasksRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.Task;
import io.aicunet.contracts.privacy.v1.PrivacyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.ServicePart;
import io.aicunet.platform.privacy.FieldCipher;
import io.aicunet.platform.privacy.LocalDirectoryObjectStore;
import io.aicunet.platform.privacy.ObjectStore;
import io.aicunet.platform.privacy.S3ObjectStore;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.PrivacyRequests;
import io.aicunet.platform.testing.RedisCatalogue;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The service's part of privacy requests, end to end on the real stack: the real tenant
 * service announces requests on Kafka, this service exports or erases and answers, and
 * the request completes. Also the encryption of personal data at rest, and the refusal
 * to store personal data of a tenant without a data key.
 */
@QuarkusTest
class PrivacyRequestsTest extends GrpcTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Map<String, String> PRIVACY_OFFICER =
            TestCallers.headers("platform", "dpo@aicunet.io", Set.of("platform-privacy-officer"));

    /** The object store the service under test writes export parts to: the stack's S3 store (FleetTestResource). */
    @Inject
    ObjectStore store;

    /**
     * Proves: a tenant export holds every agent, thread and checkpoint of the tenant with
     * states decrypted, its counts match the records, its digest matches the object;
     * while PostgreSQL and Redis hold the states and task payloads only as ciphertext.
     */
    @Test
    void tenantExportHoldsEveryRecordDecrypted() throws Exception {
        String secret = "alice-" + UUID.randomUUID();
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId())
                .setStateJson("{\"user\": \"" + secret + "\"}").build();
        runtime().saveCheckpoint(first);
        runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(1)
                .setStateJson("{\"step\": 2, \"user\": \"" + secret + "\"}").build());
        String queue = "privacy-" + UUID.randomUUID().toString().substring(0, 8);
        runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue)
                .setPayloadJson("{\"email\": \"" + secret + "\"}").build());

        assertThat(strings("SELECT state FROM agent_state.checkpoints WHERE tenant_id = ?::uuid", tenant))
                .hasSize(2).allSatisfy(state -> assertThat(state).startsWith(FieldCipher.PREFIX)
                        .doesNotContain(secret));
        assertThat(strings("SELECT created_by FROM agent_state.checkpoints WHERE tenant_id = ?::uuid", tenant))
                .containsOnly(subjectOf(AgentStateFixtures.runtimeOf(tenant)));
        assertThat(redisValues()).isNotEmpty().noneSatisfy(value -> assertThat(value).contains(secret));

        PrivacyRequest done = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, tenant, "");

        ServicePart part = partOf(done);
        byte[] content = stored(part.getObject());
        assertThat(LocalDirectoryObjectStore.sha256Hex(content)).isEqualTo(part.getSha256());
        List<JsonObject> lines = lines(content);
        assertThat(part.getCountsMap()).containsEntry("agents", 1L).containsEntry("threads", 1L)
                .containsEntry("checkpoints", 2L);
        List<JsonObject> checkpoints = ofKind(lines, "checkpoints");
        assertThat(checkpoints).hasSize(2).allSatisfy(record -> {
            assertThat(record.getString("state_json")).contains(secret);
            assertThat(record.containsKey("state")).as("no ciphertext in the export").isFalse();
        });
        assertThat(ofKind(lines, "agents").get(0).getString("agent_id")).isEqualTo(agent.getId());
        assertThat(ofKind(lines, "agents").get(0).getJsonObject("labels").getString("team")).isEqualTo("search");
    }

    /**
     * Proves: a data subject is the caller that created records: their export holds only
     * their agents and checkpoints; their erasure deletes their checkpoints (a thread whose
     * latest is theirs goes whole, cache entry included), anonymises the agents they
     * registered, leaves another subject's checkpoints alone, and a repeat finds nothing.
     */
    @Test
    void subjectExportAndErasureFindOnlyTheirRecords() throws Exception {
        Map<String, String> alice = TestCallers.headers(tenant, "alice@" + tenant.substring(0, 8),
                Set.of("agent-runtime"));
        Map<String, String> bob = TestCallers.headers(tenant, "bob@" + tenant.substring(0, 8),
                Set.of("agent-runtime"));
        AgentStateServiceBlockingStub asAlice = client.as(alice);
        AgentStateServiceBlockingStub asBob = client.as(bob);
        Agent agent = asAlice.registerAgent(AgentStateFixtures.anAgent().putLabels("owner", "alice").build())
                .getAgent();
        SaveCheckpointRequest hers = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        asAlice.saveCheckpoint(hers);
        asAlice.saveCheckpoint(hers.toBuilder().setExpectedVersion(1).setStateJson("{\"by\": \"alice\"}").build());
        SaveCheckpointRequest his = AgentStateFixtures.aFirstCheckpoint(agent.getId())
                .setStateJson("{\"by\": \"bob\"}").build();
        asBob.saveCheckpoint(his);
        SaveCheckpointRequest mixed = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        asAlice.saveCheckpoint(mixed);
        asBob.saveCheckpoint(mixed.toBuilder().setExpectedVersion(1).setStateJson("{\"by\": \"bob\"}").build());
        asAlice.getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(hers.getThreadId()).build());
        String cacheKey = RedisProbe.prefix(tenant) + "thread:" + hers.getThreadId() + ":latest";
        assertThat(RedisProbe.send(Command.HGET, cacheKey, "checkpoint")).isNotNull();

        PrivacyRequest exported = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, tenant, subjectOf(alice));
        List<JsonObject> lines = lines(stored(partOf(exported).getObject()));
        assertThat(ofKind(lines, "checkpoints")).hasSize(3)
                .allSatisfy(record -> assertThat(record.getString("created_by")).isEqualTo(subjectOf(alice)));
        assertThat(ofKind(lines, "agents")).hasSize(1);
        assertThat(ofKind(lines, "threads")).hasSize(2);
        assertThat(ofKind(lines, "idempotency_keys")).hasSize(1);

        PrivacyRequest erased = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, subjectOf(alice));

        assertThat(partOf(erased).getCountsMap()).containsEntry("threads", 1L).containsEntry("checkpoints", 1L)
                .containsEntry("agents_anonymised", 1L).containsEntry("idempotency_keys", 1L);
        assertThat(count("SELECT count(*) FROM agent_state.checkpoints WHERE created_by = ?", subjectOf(alice)))
                .isZero();
        assertThat(count("SELECT count(*) FROM agent_state.threads WHERE thread_id = ?::uuid", hers.getThreadId()))
                .isZero();
        assertThat(count("SELECT count(*) FROM agent_state.checkpoints WHERE created_by = ?", subjectOf(bob)))
                .isEqualTo(2);
        Agent anonymised = asBob.getAgent(GetAgentRequest.newBuilder().setAgentId(agent.getId()).build()).getAgent();
        assertThat(anonymised.getLabelsMap()).isEmpty();
        assertThat(count("SELECT count(*) FROM agent_state.agents WHERE created_by IS NULL AND agent_id = ?::uuid",
                agent.getId())).isEqualTo(1);
        assertThat(RedisProbe.send(Command.HGET, cacheKey, "checkpoint")).as("cached state dropped").isNull();
        assertThat(codeOf(catchThrowableOfType(StatusRuntimeException.class, () -> asBob.getLatestCheckpoint(
                GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId()).setThreadId(hers.getThreadId())
                        .build())))).isEqualTo(Status.Code.NOT_FOUND);

        PrivacyRequest again = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, subjectOf(alice));
        assertThat(partOf(again).getCountsMap()).as("a repeat finds nothing").containsOnly(
                Map.entry("threads", 0L), Map.entry("checkpoints", 0L), Map.entry("agents_anonymised", 0L),
                Map.entry("idempotency_keys", 0L));
    }

    /**
     * Proves: a tenant erasure deletes every row and every Redis key of the tenant and
     * nothing of another; after the tenant's key is destroyed, the service refuses to store
     * personal data of it.
     */
    @Test
    void tenantErasureDeletesEverything() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        runtime().saveCheckpoint(first.toBuilder().setExpectedVersion(1).setStateJson("{\"step\": 2}").build());
        runtime().heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent.getId()).build());
        runtime().claimLease(ClaimLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("w-1").build());
        runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue("erase-me").setPayloadJson("{}").build());
        String survivor = AgentStateFixtures.aTenantId();
        AgentStateServiceBlockingStub other = client.as(AgentStateFixtures.runtimeOf(survivor));
        Agent kept = AgentStateFixtures.registeredAgent(other, AgentStatus.AGENT_STATUS_RUNNING);
        other.saveCheckpoint(AgentStateFixtures.aFirstCheckpoint(kept.getId()).build());
        assertThat(redisKeys(tenant)).isNotEmpty();

        PrivacyRequest done = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "");

        assertThat(partOf(done).getCountsMap()).containsEntry("agents", 1L).containsEntry("threads", 1L)
                .containsEntry("checkpoints", 1L).containsKey("redis_keys");
        assertThat(partOf(done).getCountsMap().get("redis_keys")).isGreaterThanOrEqualTo(3L);
        for (String table : List.of("agents", "threads", "checkpoints", "retention_policies", "idempotency_keys",
                "cache_repairs")) {
            assertThat(count("SELECT count(*) FROM agent_state." + table + " WHERE tenant_id = ?::uuid", tenant))
                    .as(table).isZero();
        }
        assertThat(redisKeys(tenant)).isEmpty();
        assertThat(count("SELECT count(*) FROM agent_state.checkpoints WHERE tenant_id = ?::uuid", survivor))
                .isEqualTo(1);
        // A replica may still write with its cached copy of the destroyed key for a while: wait for the refusal.
        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue("after").setPayloadJson("{}")
                            .build()));
            assertThat(refused).as("an enqueue after the erasure is refused").isNotNull();
            assertThat(preconditionType(refused)).isEqualTo(TenantCipher.KEY_UNAVAILABLE);
        });
    }

    /**
     * Proves: a tenant without a data key (unknown to the tenant service) cannot store
     * personal data: registering an agent (labels, creator), saving a checkpoint and
     * enqueueing a task are FAILED_PRECONDITION TENANT_DATA_KEY_UNAVAILABLE, and nothing
     * is written.
     */
    @Test
    void unknownTenantCannotStorePersonalData() throws Exception {
        String unknown = AgentStateFixtures.anUnknownTenantId();
        AgentStateServiceBlockingStub stranger = client.as(AgentStateFixtures.runtimeOf(unknown));

        StatusRuntimeException register = catchThrowableOfType(StatusRuntimeException.class,
                () -> stranger.registerAgent(AgentStateFixtures.anAgent().build()));
        assertThat(codeOf(register)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(preconditionType(register)).isEqualTo(TenantCipher.KEY_UNAVAILABLE);
        StatusRuntimeException save = catchThrowableOfType(StatusRuntimeException.class,
                () -> stranger.saveCheckpoint(AgentStateFixtures.aFirstCheckpoint(UUID.randomUUID().toString())
                        .build()));
        assertThat(codeOf(save)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(preconditionType(save)).isEqualTo(TenantCipher.KEY_UNAVAILABLE);
        StatusRuntimeException enqueue = catchThrowableOfType(StatusRuntimeException.class,
                () -> stranger.enqueueTask(EnqueueTaskRequest.newBuilder().setQueue("q").setPayloadJson("{}").build()));
        assertThat(preconditionType(enqueue)).isEqualTo(TenantCipher.KEY_UNAVAILABLE);

        for (String table : List.of("agents", "threads", "checkpoints", "idempotency_keys")) {
            assertThat(count("SELECT count(*) FROM agent_state." + table + " WHERE tenant_id = ?::uuid", unknown))
                    .as(table).isZero();
        }
        assertThat(redisKeys(unknown)).isEmpty();
    }

    /** Proves: task payloads and failure reasons are sealed in Redis and come back in clear. */
    @Test
    void taskPayloadsAndReasonsAreSealedInRedis() {
        String queue = "sealed-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = "carol-" + UUID.randomUUID();
        runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue)
                .setPayloadJson("{\"email\": \"" + secret + "\"}").build());
        Task claimed;
        for (int delivery = 1; delivery <= 3; delivery++) {
            List<Task> tasks = runtime().claimTasks(ClaimTasksRequest.newBuilder().setQueue(queue)
                    .setConsumer("c-" + delivery).build()).getTasksList();
            assertThat(tasks).hasSize(1);
            claimed = tasks.get(0);
            assertThat(claimed.getPayloadJson()).contains(secret);
            runtime().failTask(FailTaskRequest.newBuilder().setQueue(queue).setTaskId(claimed.getId())
                    .setConsumer("c-" + delivery).setReason("could not mail " + secret).build());
        }
        assertThat(redisValues()).noneSatisfy(value -> assertThat(value).contains(secret));
        var dead = runtime().listDeadTasks(ListDeadTasksRequest.newBuilder().setQueue(queue).build()).getTasksList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getPayloadJson()).contains(secret);
        assertThat(dead.get(0).getReason()).isEqualTo("could not mail " + secret);
    }

    private static ServicePart partOf(PrivacyRequest request) {
        return PrivacyRequests.partOf(request, "agent-state");
    }

    private static String subjectOf(Map<String, String> caller) {
        return TestCallers.subjectOf(caller);
    }

    private static List<JsonObject> lines(byte[] content) {
        List<JsonObject> lines = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(new JsonObject(line));
            }
        }
        return lines;
    }

    private static List<JsonObject> ofKind(List<JsonObject> lines, String kind) {
        return lines.stream().filter(line -> line.getString("kind").equals(kind))
                .map(line -> line.getJsonObject("record")).toList();
    }

    /** Every string value of every field of every key of this test's tenant in Redis. */
    private List<String> redisValues() {
        List<String> values = new ArrayList<>();
        for (String key : redisKeys(tenant)) {
            String type = RedisProbe.send(Command.TYPE, key).toString();
            Response reply = switch (type) {
                case "hash" -> RedisProbe.send(Command.HGETALL, key);
                case "stream" -> RedisProbe.send(Command.XRANGE, key, "-", "+");
                case "zset" -> RedisProbe.send(Command.ZRANGE, key, "0", "-1", "WITHSCORES");
                default -> RedisProbe.send(Command.GET, key);
            };
            values.add(String.valueOf(reply));
        }
        return values;
    }

    /**
     * The tenant's keys in Redis, but for the request rate limit's buckets
     * (t:{<tenant>}:limits:*): platform/limits' operational counters, no data of the tenant,
     * gone within 61 s (docs/rate-limits.md); the calls of this test itself write them.
     */
    private List<String> redisKeys(String tenantId) {
        // As the stack's Redis administrator: agent-state's own user may not run KEYS, nor see other services' keys.
        List<String> keys = new ArrayList<>();
        RedisCatalogue.scan("t:{" + tenantId + "}:*").forEach(key -> keys.add(key.name()));
        keys.removeIf(key -> key.startsWith("t:{" + tenantId + "}:limits:"));
        return keys;
    }

    private static List<String> strings(String sql, String parameter) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(sql)) {
            select.setString(1, parameter);
            try (ResultSet rows = select.executeQuery()) {
                List<String> values = new ArrayList<>();
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
                return values;
            }
        }
    }

    private static long count(String sql, String parameter) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(sql)) {
            select.setString(1, parameter);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** An export part as the service wrote it, read back through the run's object store. */
    private byte[] stored(String key) throws IOException {
        assertThat(ClientProxy.unwrap(store)).as("the test profile's store").isInstanceOf(S3ObjectStore.class);
        try (InputStream content = store.get(key).orElseThrow(() -> new AssertionError("no object " + key))) {
            return content.readAllBytes();
        }
    }
}
