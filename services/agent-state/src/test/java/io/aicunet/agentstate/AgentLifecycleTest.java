package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static io.aicunet.platform.testing.GrpcCalls.preconditionType;
import static io.aicunet.platform.testing.GrpcCalls.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.agentstate.application.contract.AgentStateEvents;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentRegistered;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.AgentStatusChanged;
import io.aicunet.contracts.agentstate.v1.ChangeAgentStatusRequest;
import io.aicunet.contracts.agentstate.v1.GetAgentRequest;
import io.aicunet.contracts.agentstate.v1.RegisterAgentRequest;
import io.aicunet.contracts.agentstate.v1.RegisterAgentResponse;
import io.aicunet.contracts.agentstate.v1.WatchAgentRequest;
import io.aicunet.contracts.agentstate.v1.WatchAgentResponse;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TopicReader;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** An agent's life over gRPC: registration, status machine, watch stream, events on Kafka. */
@QuarkusTest
class AgentLifecycleTest extends GrpcTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * Proves: RegisterAgent commits the agent in status REGISTERED, a retry with the same
     * key returns the same agent (replayed), the same key with another request is
     * ALREADY_EXISTS, and an AgentRegistered CloudEvent keyed by tenant reaches Kafka.
     */
    @Test
    void registerIsIdempotentAndAnnounced() throws Exception {
        RegisterAgentRequest request = AgentStateFixtures.anAgent().build();
        RegisterAgentResponse first = runtime().registerAgent(request);
        RegisterAgentResponse retry = runtime().registerAgent(request);
        Agent agent = first.getAgent();

        assertThat(first.getReplayed()).isFalse();
        assertThat(agent.getStatus()).isEqualTo(AgentStatus.AGENT_STATUS_REGISTERED);
        assertThat(agent.getVersion()).isEqualTo(1);
        assertThat(agent.getLabelsMap()).containsEntry("team", "search");
        assertThat(retry.getReplayed()).isTrue();
        assertThat(retry.getAgent()).isEqualTo(agent);

        StatusRuntimeException reused = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .registerAgent(request.toBuilder().setKind("another-kind").build()));
        assertThat(codeOf(reused)).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(GrpcCalls.errorInfo(reused).getReason()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(countAgents(tenant)).as("one agent for one key").isEqualTo(1);

        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + AgentStateEvents.TOPIC)) {
            ConsumerRecord<String, byte[]> record = reader.readUntil(records -> records.stream()
                    .anyMatch(r -> r.key().equals(tenant)), WAIT).stream()
                    .filter(r -> r.key().equals(tenant)).findFirst().orElseThrow();
            ReceivedEvent event = ReceivedEvent.from(record);
            assertThat(event.type()).isEqualTo("aicunet.agentstate.v1.AgentRegistered");
            assertThat(event.source()).isEqualTo("/aicunet/agent-state");
            assertThat(event.subject()).isEqualTo(agent.getId());
            assertThat(event.tenant().toString()).isEqualTo(tenant);
            assertThat(AgentRegistered.parseFrom(event.payload()).getAgent()).isEqualTo(agent);
        }
    }

    /**
     * Proves: legal moves registered → idle → running → paused → running → completed
     * each bump the version and emit AgentStatusChanged in order; an illegal move
     * (completed → running) is FAILED_PRECONDITION and changes nothing.
     */
    @Test
    void statusMachineAndEvents() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_PAUSED);
        agent = AgentStateFixtures.move(runtime(), agent, AgentStatus.AGENT_STATUS_RUNNING);
        agent = AgentStateFixtures.move(runtime(), agent, AgentStatus.AGENT_STATUS_COMPLETED);
        assertThat(agent.getVersion()).isEqualTo(6);
        String agentId = agent.getId();

        StatusRuntimeException illegal = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .changeAgentStatus(ChangeAgentStatusRequest.newBuilder().setAgentId(agentId)
                        .setStatus(AgentStatus.AGENT_STATUS_RUNNING).build()));
        assertThat(codeOf(illegal)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(preconditionType(illegal)).isEqualTo("ILLEGAL_STATUS_TRANSITION");
        Agent after = runtime().getAgent(GetAgentRequest.newBuilder().setAgentId(agentId).build()).getAgent();
        assertThat(after.getStatus()).isEqualTo(AgentStatus.AGENT_STATUS_COMPLETED);
        assertThat(after.getVersion()).isEqualTo(6);

        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + AgentStateEvents.TOPIC)) {
            List<AgentStatusChanged> changes = reader.readUntil(records -> statusChanges(records, agentId).size() == 5,
                    WAIT).stream().filter(r -> isStatusChangeOf(r, agentId)).map(AgentLifecycleTest::parse).toList();
            assertThat(changes).extracting(AgentStatusChanged::getStatus).containsExactly(
                    AgentStatus.AGENT_STATUS_IDLE, AgentStatus.AGENT_STATUS_RUNNING, AgentStatus.AGENT_STATUS_PAUSED,
                    AgentStatus.AGENT_STATUS_RUNNING, AgentStatus.AGENT_STATUS_COMPLETED);
            assertThat(changes).extracting(AgentStatusChanged::getVersion).containsExactly(2L, 3L, 4L, 5L, 6L);
            assertThat(changes.get(2).getPreviousStatus()).isEqualTo(AgentStatus.AGENT_STATUS_RUNNING);
        }
    }

    /**
     * Proves: a change at a stale expected_version is ALREADY_EXISTS VERSION_CONFLICT; a
     * caller may not set LOST, nor act at platform scope, nor with a malformed id.
     */
    @Test
    void refusedChangesChangeNothing() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_IDLE);
        StatusRuntimeException stale = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .changeAgentStatus(ChangeAgentStatusRequest.newBuilder().setAgentId(agent.getId())
                        .setStatus(AgentStatus.AGENT_STATUS_RUNNING).setExpectedVersion(1).build()));
        assertThat(codeOf(stale)).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(GrpcCalls.errorInfo(stale).getReason()).isEqualTo("VERSION_CONFLICT");

        StatusRuntimeException lost = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .changeAgentStatus(ChangeAgentStatusRequest.newBuilder().setAgentId(agent.getId())
                        .setStatus(AgentStatus.AGENT_STATUS_LOST).build()));
        assertThat(codeOf(lost)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violatedFields(lost)).containsExactly("status");

        StatusRuntimeException platform = catchThrowableOfType(StatusRuntimeException.class, () -> client
                .as(TestCallers.platformAdmin()).getAgent(GetAgentRequest.newBuilder().setAgentId(agent.getId())
                        .build()));
        assertThat(codeOf(platform)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violatedFields(platform)).containsExactly("x-aicunet-tenant");

        StatusRuntimeException malformed = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .getAgent(GetAgentRequest.newBuilder().setAgentId("not-a-uuid").build()));
        assertThat(violatedFields(malformed)).containsExactly("agent_id");

        assertThat(runtime().getAgent(GetAgentRequest.newBuilder().setAgentId(agent.getId()).build())
                .getAgent()).isEqualTo(agent);
    }

    /**
     * Proves: WatchAgent streams the current status, then every committed change in
     * order, and ends after a final status; another tenant cannot watch the agent.
     */
    @Test
    void watchStreamsStatusChanges() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_IDLE);
        List<WatchAgentResponse> received = new CopyOnWriteArrayList<>();
        CountDownLatch completed = new CountDownLatch(1);
        Context.CancellableContext watching = Context.current().withCancellation();
        try {
            watching.run(() -> client.asyncAs(AgentStateFixtures.runtimeOf(tenant)).watchAgent(
                    WatchAgentRequest.newBuilder().setAgentId(agent.getId()).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(WatchAgentResponse value) {
                            received.add(value);
                        }

                        @Override
                        public void onError(Throwable failure) {
                            completed.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            completed.countDown();
                        }
                    }));
            Awaitility.await().atMost(WAIT).until(() -> received.size() == 1);
            assertThat(received.get(0).getStatus()).isEqualTo(AgentStatus.AGENT_STATUS_IDLE);
            assertThat(received.get(0).getPreviousStatus()).isEqualTo(AgentStatus.AGENT_STATUS_UNSPECIFIED);

            Agent running = AgentStateFixtures.move(runtime(), agent, AgentStatus.AGENT_STATUS_RUNNING);
            AgentStateFixtures.move(runtime(), running, AgentStatus.AGENT_STATUS_TERMINATED);
            assertThat(completed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the stream ends after terminated")
                    .isTrue();
            assertThat(received).extracting(WatchAgentResponse::getStatus).containsExactly(
                    AgentStatus.AGENT_STATUS_IDLE, AgentStatus.AGENT_STATUS_RUNNING,
                    AgentStatus.AGENT_STATUS_TERMINATED);
            assertThat(received.get(2).getPreviousStatus()).isEqualTo(AgentStatus.AGENT_STATUS_RUNNING);
            assertThat(received).extracting(WatchAgentResponse::getVersion).containsExactly(2L, 3L, 4L);
        } finally {
            watching.cancel(null);
        }

        StatusRuntimeException foreign = catchThrowableOfType(StatusRuntimeException.class, () -> client
                .as(AgentStateFixtures.runtimeOf(AgentStateFixtures.aTenantId()))
                .watchAgent(WatchAgentRequest.newBuilder().setAgentId(agent.getId()).build()).hasNext());
        assertThat(codeOf(foreign)).isEqualTo(Status.Code.NOT_FOUND);
    }

    private static List<ConsumerRecord<String, byte[]>> statusChanges(
            List<ConsumerRecord<String, byte[]>> records, String agentId) {
        return records.stream().filter(r -> isStatusChangeOf(r, agentId)).toList();
    }

    private static boolean isStatusChangeOf(ConsumerRecord<String, byte[]> record, String agentId) {
        ReceivedEvent event = ReceivedEvent.from(record);
        return event.subject().equals(agentId) && event.type().equals("aicunet.agentstate.v1.AgentStatusChanged");
    }

    private static AgentStatusChanged parse(ConsumerRecord<String, byte[]> record) {
        try {
            return AgentStatusChanged.parseFrom(record.value());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    static int countAgents(String tenant) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(
                        "SELECT count(*) FROM agent_state.agents WHERE tenant_id = ?::uuid")) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
