package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.agentstate.application.agents.DetectLostAgents;
import io.aicunet.agentstate.application.contract.AgentStateEvents;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentLost;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.GetAgentRequest;
import io.aicunet.contracts.agentstate.v1.HeartbeatRequest;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TopicReader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Heartbeats with a TTL in Redis, and agents marked lost when they stop (lost-after is 1.5 s in tests). */
@QuarkusTest
class HeartbeatTest extends GrpcTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    DetectLostAgents detectLostAgents;

    /** Proves: a heartbeat lives in Redis under the tenant's key for at most lost-after, and the answer says so. */
    @Test
    void heartbeatHasTtl() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        long lostAfter = runtime().heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent.getId()).build())
                .getLostAfterMillis();
        assertThat(lostAfter).isEqualTo(1500);
        long ttl = RedisProbe.pttl(RedisProbe.prefix(tenant) + "agent:" + agent.getId() + ":heartbeat");
        assertThat(ttl).isPositive().isLessThanOrEqualTo(1500);
    }

    /** Proves: heartbeats of an unknown agent are NOT_FOUND and of a finished agent FAILED_PRECONDITION. */
    @Test
    void heartbeatOfUnknownOrFinishedAgent() {
        StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .heartbeat(HeartbeatRequest.newBuilder().setAgentId(UUID.randomUUID().toString()).build()));
        assertThat(codeOf(unknown)).isEqualTo(Status.Code.NOT_FOUND);

        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        AgentStateFixtures.move(runtime(), agent, AgentStatus.AGENT_STATUS_COMPLETED);
        StatusRuntimeException finished = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent.getId()).build()));
        assertThat(codeOf(finished)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(GrpcCalls.preconditionType(finished)).isEqualTo("AGENT_FINISHED");
    }

    /**
     * Proves: an agent that keeps heartbeating stays running past lost-after, while one
     * whose heartbeats stop becomes LOST; with four detectors racing the scheduled one,
     * exactly one AgentLost is published for the loss (counted up to a later event of
     * the same agent, which Kafka delivers after it).
     */
    @Test
    void silentAgentIsLostExactlyOnce() throws Exception {
        Agent beating = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        Agent silent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        heartbeat(beating);
        heartbeat(silent);

        AtomicBoolean racing = new AtomicBoolean(true);
        ExecutorService detectors = Executors.newFixedThreadPool(4);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(detectors.submit(() -> {
                int marked = 0;
                while (racing.get()) {
                    marked += detectLostAgents.runOnce().await().atMost(WAIT);
                }
                return marked;
            }));
        }
        try {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                heartbeat(beating);
                return status(silent) == AgentStatus.AGENT_STATUS_LOST;
            });
            // Keep beating and racing a while longer: the live agent must stay running.
            Awaitility.await().during(Duration.ofMillis(2000)).pollInterval(Duration.ofMillis(300))
                    .atMost(WAIT).until(() -> {
                        heartbeat(beating);
                        return true;
                    });
        } finally {
            racing.set(false);
            detectors.shutdown();
        }
        for (Future<Integer> run : runs) {
            // Detectors see every tenant's agents, other tests' too: only their failing would matter here.
            assertThat(run.get()).isNotNegative();
        }
        assertThat(status(beating)).isEqualTo(AgentStatus.AGENT_STATUS_RUNNING);

        // A later event of the silent agent: everything about it committed before arrives first.
        AgentStateFixtures.move(runtime(), runtime().getAgent(GetAgentRequest.newBuilder()
                .setAgentId(silent.getId()).build()).getAgent(), AgentStatus.AGENT_STATUS_TERMINATED);
        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + AgentStateEvents.TOPIC)) {
            List<ConsumerRecord<String, byte[]>> records = reader.readUntil(all -> all.stream()
                    .anyMatch(r -> is(r, silent.getId(), "AgentStatusChanged") && terminated(r)), WAIT);
            List<AgentLost> losses = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                if (is(record, silent.getId(), "AgentLost")) {
                    losses.add(AgentLost.parseFrom(record.value()));
                }
            }
            assertThat(losses).hasSize(1);
            assertThat(losses.get(0).getPreviousStatus()).isEqualTo(AgentStatus.AGENT_STATUS_RUNNING);
            assertThat(losses.get(0).getLostAfterMillis()).isEqualTo(1500);
            assertThat(records.stream().filter(r -> is(r, beating.getId(), "AgentLost"))).isEmpty();
        }
    }

    private void heartbeat(Agent agent) {
        runtime().heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent.getId()).build());
    }

    private AgentStatus status(Agent agent) {
        return runtime().getAgent(GetAgentRequest.newBuilder().setAgentId(agent.getId()).build()).getAgent()
                .getStatus();
    }

    private static boolean is(ConsumerRecord<String, byte[]> record, String agentId, String type) {
        ReceivedEvent event = ReceivedEvent.from(record);
        return event.subject().equals(agentId) && event.type().equals("aicunet.agentstate.v1." + type);
    }

    private static boolean terminated(ConsumerRecord<String, byte[]> record) {
        try {
            return io.aicunet.contracts.agentstate.v1.AgentStatusChanged.parseFrom(record.value()).getStatus()
                    == AgentStatus.AGENT_STATUS_TERMINATED;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
