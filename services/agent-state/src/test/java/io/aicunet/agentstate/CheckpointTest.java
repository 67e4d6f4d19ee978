package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import io.aicunet.agentstate.application.contract.AgentStateEvents;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.Checkpoint;
import io.aicunet.contracts.agentstate.v1.CheckpointSaved;
import io.aicunet.contracts.agentstate.v1.CheckpointSummary;
import io.aicunet.contracts.agentstate.v1.ForkThreadRequest;
import io.aicunet.contracts.agentstate.v1.ForkThreadResponse;
import io.aicunet.contracts.agentstate.v1.GetCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.ListCheckpointsRequest;
import io.aicunet.contracts.agentstate.v1.ListCheckpointsResponse;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointResponse;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TopicReader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Versioned checkpoints over gRPC: compare-and-set saves, loads, history, forks and their events. */
@QuarkusTest
class CheckpointTest extends GrpcTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * Proves: saves at the expected version make versions 1, 2, 3, each the parent of the
     * next; the latest and any checkpoint by id load with their state (as jsonb renders it)
     * and metadata.
     */
    @Test
    void saveChainAndLoad() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        CheckpointSummary v1 = runtime().saveCheckpoint(first).getCheckpoint();
        CheckpointSummary v2 = save(agent.getId(), first.getThreadId(), 1, "{\"step\": 2}");
        CheckpointSummary v3 = save(agent.getId(), first.getThreadId(), 2, "{\"step\":3,\"done\":true}");

        assertThat(List.of(v1.getVersion(), v2.getVersion(), v3.getVersion())).containsExactly(1L, 2L, 3L);
        assertThat(v1.getParentId()).isEmpty();
        assertThat(v2.getParentId()).isEqualTo(v1.getId());
        assertThat(v3.getParentId()).isEqualTo(v2.getId());
        assertThat(v1.getStateBytes()).isEqualTo(first.getStateJson().getBytes(StandardCharsets.UTF_8).length);

        Checkpoint latest = latest(agent.getId(), first.getThreadId());
        assertThat(latest.getId()).isEqualTo(v3.getId());
        assertThat(latest.getVersion()).isEqualTo(3);
        assertThat(latest.getStateJson()).isEqualTo("{\"done\": true, \"step\": 3}");

        Checkpoint byId = runtime().getCheckpoint(GetCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(first.getThreadId()).setCheckpointId(v1.getId()).build()).getCheckpoint();
        assertThat(byId.getVersion()).isEqualTo(1);
        assertThat(byId.getStateJson()).isEqualTo("{\"step\": 1, \"messages\": [\"hello\"]}");
        assertThat(byId.getMetadataMap()).containsEntry("node", "planner");
    }

    /**
     * Proves: a save at a stale version is ALREADY_EXISTS whose ErrorInfo says
     * VERSION_CONFLICT with the thread's current version, and saves nothing; so is
     * starting a thread that exists.
     */
    @Test
    void staleVersionReturnsCurrentVersion() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        save(agent.getId(), first.getThreadId(), 1, "{\"step\": 2}");

        StatusRuntimeException stale = catchThrowableOfType(StatusRuntimeException.class,
                () -> save(agent.getId(), first.getThreadId(), 1, "{\"step\": \"lost update\"}"));
        assertThat(codeOf(stale)).isEqualTo(Status.Code.ALREADY_EXISTS);
        ErrorInfo info = GrpcCalls.errorInfo(stale);
        assertThat(info.getReason()).isEqualTo("VERSION_CONFLICT");
        assertThat(info.getMetadataMap()).containsEntry("current_version", "2").containsEntry("expected_version", "1");

        StatusRuntimeException restart = catchThrowableOfType(StatusRuntimeException.class,
                () -> runtime().saveCheckpoint(first));
        assertThat(GrpcCalls.errorInfo(restart).getMetadataMap()).containsEntry("current_version", "2");
        assertThat(latest(agent.getId(), first.getThreadId()).getStateJson()).isEqualTo("{\"step\": 2}");
        assertThat(history(agent.getId(), first.getThreadId(), 100, "").getCheckpointsCount()).isEqualTo(2);
    }

    /** Proves: of eight concurrent saves at the same expected version exactly one wins; the rest conflict. */
    @Test
    void concurrentSavesOneWins() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> saves = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String state = "{\"writer\": " + i + "}";
                saves.add(() -> {
                    try {
                        save(agent.getId(), first.getThreadId(), 1, state);
                        return true;
                    } catch (StatusRuntimeException conflict) {
                        assertThat(GrpcCalls.errorInfo(conflict).getReason()).isEqualTo("VERSION_CONFLICT");
                        return false;
                    }
                });
            }
            List<Boolean> outcomes = new ArrayList<>();
            for (Future<Boolean> outcome : pool.invokeAll(saves)) {
                outcomes.add(outcome.get());
            }
            assertThat(outcomes).filteredOn(won -> won).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(latest(agent.getId(), first.getThreadId()).getVersion()).isEqualTo(2);
        assertThat(history(agent.getId(), first.getThreadId(), 100, "").getCheckpointsCount()).isEqualTo(2);
    }

    /** Proves: a retried save with the same idempotency key returns the first checkpoint, though the version moved on. */
    @Test
    void idempotentSave() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest request = AgentStateFixtures.aFirstCheckpoint(agent.getId())
                .setIdempotencyKey("save-" + UUID.randomUUID()).build();
        SaveCheckpointResponse first = runtime().saveCheckpoint(request);
        SaveCheckpointResponse retry = runtime().saveCheckpoint(request);
        assertThat(first.getReplayed()).isFalse();
        assertThat(retry.getReplayed()).isTrue();
        assertThat(retry.getCheckpoint().getId()).isEqualTo(first.getCheckpoint().getId());
        assertThat(history(agent.getId(), request.getThreadId(), 100, "").getCheckpointsCount()).isEqualTo(1);
    }

    /** Proves: history pages newest first, page by page, without repeats or gaps, and bad page sizes are refused. */
    @Test
    void historyIsCursorPaged() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        for (int version = 1; version < 7; version++) {
            save(agent.getId(), first.getThreadId(), version, "{\"step\": " + (version + 1) + "}");
        }
        List<Long> versions = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListCheckpointsResponse page = history(agent.getId(), first.getThreadId(), 3, token);
            page.getCheckpointsList().forEach(c -> versions.add(c.getVersion()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertThat(versions).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(pages).isEqualTo(3);

        StatusRuntimeException tooBig = catchThrowableOfType(StatusRuntimeException.class,
                () -> history(agent.getId(), first.getThreadId(), 101, ""));
        assertThat(GrpcCalls.violatedFields(tooBig)).containsExactly("page_size");
        StatusRuntimeException forged = catchThrowableOfType(StatusRuntimeException.class,
                () -> history(agent.getId(), first.getThreadId(), 3, "bm90LW91cnM"));
        assertThat(GrpcCalls.violatedFields(forged)).containsExactly("page_token");
    }

    /**
     * Proves: a fork from an older checkpoint starts a new thread at version 1 with that
     * checkpoint's state and it as parent, leaves the source thread as it was, and goes on
     * by itself; a retry with the same key returns the same fork.
     */
    @Test
    void forkFromAnyCheckpoint() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        CheckpointSummary v1 = runtime().saveCheckpoint(first).getCheckpoint();
        save(agent.getId(), first.getThreadId(), 1, "{\"step\": 2}");

        ForkThreadRequest fork = ForkThreadRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(first.getThreadId()).setCheckpointId(v1.getId())
                .setIdempotencyKey("fork-" + UUID.randomUUID()).build();
        ForkThreadResponse forked = runtime().forkThread(fork);
        CheckpointSummary copy = forked.getCheckpoint();
        assertThat(copy.getThreadId()).isNotEqualTo(first.getThreadId());
        assertThat(copy.getVersion()).isEqualTo(1);
        assertThat(copy.getParentId()).isEqualTo(v1.getId());
        assertThat(latest(agent.getId(), copy.getThreadId()).getStateJson())
                .isEqualTo("{\"step\": 1, \"messages\": [\"hello\"]}");
        assertThat(runtime().forkThread(fork).getCheckpoint().getId()).as("replayed").isEqualTo(copy.getId());

        save(agent.getId(), copy.getThreadId(), 1, "{\"branch\": \"b\"}");
        assertThat(latest(agent.getId(), copy.getThreadId()).getVersion()).isEqualTo(2);
        assertThat(latest(agent.getId(), first.getThreadId()).getStateJson()).isEqualTo("{\"step\": 2}");
    }

    /** Proves: CheckpointSaved carries ids and versions and never the state; a fork names its source. */
    @Test
    void checkpointSavedEventsCarryNoState() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        String secret = "top-secret-" + UUID.randomUUID();
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId())
                .setStateJson("{\"secret\": \"" + secret + "\"}").build();
        CheckpointSummary v1 = runtime().saveCheckpoint(first).getCheckpoint();
        CheckpointSummary fork = runtime().forkThread(ForkThreadRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(first.getThreadId()).setCheckpointId(v1.getId()).build()).getCheckpoint();

        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + AgentStateEvents.TOPIC)) {
            List<ConsumerRecord<String, byte[]>> saved = reader.readUntil(records -> checkpointEvents(records,
                    agent.getId()).size() == 2, WAIT);
            List<CheckpointSaved> events = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : checkpointEvents(saved, agent.getId())) {
                assertThat(new String(record.value(), StandardCharsets.ISO_8859_1)).doesNotContain(secret);
                events.add(CheckpointSaved.parseFrom(record.value()));
            }
            assertThat(events.get(0).getCheckpointId()).isEqualTo(v1.getId());
            assertThat(events.get(0).getVersion()).isEqualTo(1);
            assertThat(events.get(0).getThreadId()).isEqualTo(first.getThreadId());
            assertThat(events.get(1).getCheckpointId()).isEqualTo(fork.getId());
            assertThat(events.get(1).getForkedFromCheckpointId()).isEqualTo(v1.getId());
        }
    }

    private static List<ConsumerRecord<String, byte[]>> checkpointEvents(List<ConsumerRecord<String, byte[]>> records,
                                                                        String agentId) {
        return records.stream().filter(r -> {
            ReceivedEvent event = ReceivedEvent.from(r);
            return event.subject().equals(agentId) && event.type().equals("aicunet.agentstate.v1.CheckpointSaved");
        }).toList();
    }

    CheckpointSummary save(String agentId, String threadId, long expectedVersion, String state) {
        return runtime().saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(agentId).setThreadId(threadId)
                .setExpectedVersion(expectedVersion).setStateJson(state).build()).getCheckpoint();
    }

    Checkpoint latest(String agentId, String threadId) {
        return runtime().getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agentId)
                .setThreadId(threadId).build()).getCheckpoint();
    }

    ListCheckpointsResponse history(String agentId, String threadId, int pageSize, String token) {
        return runtime().listCheckpoints(ListCheckpointsRequest.newBuilder().setAgentId(agentId).setThreadId(threadId)
                .setPageSize(pageSize).setPageToken(token).build());
    }
}
