package io.aicunet.agentstate.application.checkpoints;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.agentstate.AgentStateFixtures;
import io.aicunet.agentstate.GrpcTestBase;
import io.aicunet.agentstate.RedisProbe;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.Checkpoint;
import io.aicunet.contracts.agentstate.v1.CheckpointSummary;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.ListCheckpointsRequest;
import io.aicunet.contracts.agentstate.v1.ReleaseLeaseRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointResponse;
import io.aicunet.platform.testing.GroupedCalls;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.StorageQuotaChecks;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit of checkpoint saves ({@link SaveCheckpoint}): 64 concurrent callers, whose
 * saves the service commits together in shared transactions of their tenant, each keep
 * every semantic of a save run alone: compare-and-set on the version, idempotent replay,
 * their own refusals, tenant isolation. Each test ends by checking that its saves were in
 * fact grouped (fewer groups than saves, from the service's own metric), so none passes by
 * running them one by one.
 */
@QuarkusTest
class GroupCommitTest extends GrpcTestBase {

    private static final int CALLERS = GroupedCalls.CALLERS;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Storage for tenants whose test is not about the storage quota. */
    private static final long ROOMY_BYTES = 1L << 30;

    @Inject
    MeterRegistry meters;

    @Inject
    CheckpointCaching caching;

    private GroupedCalls calls;

    @BeforeEach
    void startCallers() {
        calls = GroupedCalls.start(meters, SaveCheckpoint.GROUP);
        // A tenant with room for many requests a minute, so the rate limit never answers for the service.
        tenant = StorageQuotaChecks.aTenantWithStorageQuota(ROOMY_BYTES);
    }

    @AfterEach
    void stopCallers() {
        calls.close();
    }

    /**
     * Proves: compare-and-set holds for 64 concurrent saves at the same expected version of
     * one thread: exactly one wins (version 2, the first checkpoint as its parent), the 63
     * others hear VERSION_CONFLICT naming the current version 2, and the thread is at
     * version 2 holding the winner's state, with two checkpoints.
     */
    @Test
    void ofSixtyFourSavesAtOneVersionOfOneThreadExactlyOneWins() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        CheckpointSummary v1 = runtime().saveCheckpoint(first).getCheckpoint();
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);

        List<Heard> heard = calls.concurrently(i -> () -> attempt(() -> client.as(runtime).saveCheckpoint(first.toBuilder()
                .setExpectedVersion(1).setStateJson(stateOf(i, 2)).build())));

        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            if (heard.get(i).saved() != null) {
                winners.add(i);
            } else {
                StatusRuntimeException conflict = heard.get(i).refused();
                assertThat(codeOf(conflict)).isEqualTo(Status.Code.ALREADY_EXISTS);
                assertThat(GrpcCalls.errorInfo(conflict).getReason()).isEqualTo("VERSION_CONFLICT");
                assertThat(GrpcCalls.errorInfo(conflict).getMetadataMap()).containsEntry("current_version", "2")
                        .containsEntry("expected_version", "1").containsEntry("thread_id", first.getThreadId());
            }
        }
        assertThat(winners).hasSize(1);
        int winner = winners.get(0);
        SaveCheckpointResponse won = heard.get(winner).saved();
        assertThat(won.getReplayed()).isFalse();
        assertThat(won.getCheckpoint().getVersion()).isEqualTo(2);
        assertThat(won.getCheckpoint().getParentId()).isEqualTo(v1.getId());
        Checkpoint latest = latest(agent.getId(), first.getThreadId());
        assertThat(latest.getId()).isEqualTo(won.getCheckpoint().getId());
        assertThat(latest.getStateJson()).isEqualTo(stateOf(winner, 2));
        assertThat(historySize(agent.getId(), first.getThreadId())).isEqualTo(2);
        calls.assertGrouped();
    }

    /**
     * Proves: 64 concurrent callers each starting a thread of their own, then each advancing
     * it, all succeed, and each hears its own checkpoint: its thread, version 1 then 2 with
     * its version 1 as parent, the size of its own state, 128 distinct ids; each thread's
     * latest checkpoint holds its own caller's state. Their groups, all on their happy path,
     * were each written at once: no save ran one by one.
     */
    @Test
    void sixtyFourSavesOfTheirOwnThreadsAllSucceedEachWithItsOwnCheckpoint() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);
        List<SaveCheckpointRequest> firsts = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            firsts.add(AgentStateFixtures.aFirstCheckpoint(agent.getId()).setStateJson(stateOf(i, 1)).build());
        }
        double oneByOneBefore = savesOneByOne();

        List<SaveCheckpointResponse> started = calls.concurrently(i -> () -> client.as(runtime)
                .saveCheckpoint(firsts.get(i)));
        List<SaveCheckpointResponse> advanced = calls.concurrently(i -> () -> client.as(runtime)
                .saveCheckpoint(firsts.get(i).toBuilder().setExpectedVersion(1).setStateJson(stateOf(i, 2)).build()));

        Set<String> ids = new HashSet<>();
        for (int i = 0; i < CALLERS; i++) {
            CheckpointSummary one = started.get(i).getCheckpoint();
            CheckpointSummary two = advanced.get(i).getCheckpoint();
            assertThat(one.getThreadId()).isEqualTo(firsts.get(i).getThreadId());
            assertThat(one.getVersion()).isEqualTo(1);
            assertThat(one.getParentId()).isEmpty();
            assertThat(one.getStateBytes()).isEqualTo(stateOf(i, 1).length());
            assertThat(two.getThreadId()).isEqualTo(firsts.get(i).getThreadId());
            assertThat(two.getVersion()).isEqualTo(2);
            assertThat(two.getParentId()).isEqualTo(one.getId());
            assertThat(two.getStateBytes()).isEqualTo(stateOf(i, 2).length());
            assertThat(started.get(i).getReplayed() || advanced.get(i).getReplayed()).isFalse();
            ids.add(one.getId());
            ids.add(two.getId());
            Checkpoint latest = latest(agent.getId(), firsts.get(i).getThreadId());
            assertThat(latest.getId()).isEqualTo(two.getId());
            assertThat(latest.getStateJson()).isEqualTo(stateOf(i, 2));
        }
        assertThat(ids).hasSize(2 * CALLERS);
        assertThat(checkpointRows(tenant)).isEqualTo(2 * CALLERS);
        calls.assertGrouped();
        assertThat(savesOneByOne()).as("saves that ran one by one although all were on their happy path")
                .isEqualTo(oneByOneBefore);
    }

    /**
     * Proves: a group written at once that finds one of its new threads' ids taken by another
     * agent (which it cannot know before writing) rolls back to its savepoint and runs its
     * saves one by one: the callers who chose a taken id hear THREAD_ID_TAKEN, exactly as
     * alone; every other caller's thread is saved once at version 1; the taken threads keep
     * their other agent's checkpoint.
     */
    @Test
    void aGroupThatFindsAThreadIdTakenWhileWritingRunsItsSavesOneByOne() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        Agent other = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);
        List<SaveCheckpointRequest> requests = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < CALLERS; i++) {
            SaveCheckpointRequest request = AgentStateFixtures.aFirstCheckpoint(agent.getId())
                    .setStateJson(stateOf(i, 1)).build();
            if (i % 8 == 3) {
                runtime().saveCheckpoint(request.toBuilder().setAgentId(other.getId()).build());
                taken.add(request.getThreadId());
            }
            requests.add(request);
        }
        double oneByOneBefore = savesOneByOne();

        List<Heard> heard = calls.concurrently(i -> () -> attempt(() -> client.as(runtime)
                .saveCheckpoint(requests.get(i))));

        for (int i = 0; i < CALLERS; i++) {
            SaveCheckpointRequest request = requests.get(i);
            if (taken.contains(request.getThreadId())) {
                assertThat(codeOf(heard.get(i).refused())).as("caller %d", i).isEqualTo(Status.Code.ALREADY_EXISTS);
                assertThat(GrpcCalls.errorInfo(heard.get(i).refused()).getReason()).isEqualTo("THREAD_ID_TAKEN");
                assertThat(latest(other.getId(), request.getThreadId()).getVersion()).isEqualTo(1);
            } else {
                assertThat(heard.get(i).refused()).as("caller %d", i).isNull();
                assertThat(heard.get(i).saved().getCheckpoint().getVersion()).isEqualTo(1);
                assertThat(latest(agent.getId(), request.getThreadId()).getStateJson()).isEqualTo(stateOf(i, 1));
            }
        }
        assertThat(checkpointRows(tenant)).isEqualTo(CALLERS);
        assertThat(savesOneByOne() - oneByOneBefore).isGreaterThanOrEqualTo(taken.size());
        calls.assertGrouped();
    }

    /**
     * Proves: the same save sent by 64 callers at once with one idempotency key is stored
     * once: exactly one caller hears it saved, the 63 others hear that same checkpoint as
     * replayed; a 65th call with the same key and another state hears
     * IDEMPOTENCY_KEY_REUSED, and nothing more is stored.
     */
    @Test
    void oneSaveSentBySixtyFourCallersWithOneKeyIsStoredOnce() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);
        SaveCheckpointRequest request = AgentStateFixtures.aFirstCheckpoint(agent.getId())
                .setIdempotencyKey("save-" + UUID.randomUUID()).build();

        List<SaveCheckpointResponse> heard = calls.concurrently(i -> () -> client.as(runtime).saveCheckpoint(request));

        assertThat(heard).filteredOn(response -> !response.getReplayed()).hasSize(1);
        String stored = heard.stream().filter(response -> !response.getReplayed()).findFirst().orElseThrow()
                .getCheckpoint().getId();
        assertThat(heard).allSatisfy(response -> {
            assertThat(response.getCheckpoint().getId()).isEqualTo(stored);
            assertThat(response.getCheckpoint().getVersion()).isEqualTo(1);
        });
        StatusRuntimeException reused = attempt(() -> runtime().saveCheckpoint(request.toBuilder()
                .setStateJson("{\"another\": \"state\"}").build())).refused();
        assertThat(codeOf(reused)).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(GrpcCalls.errorInfo(reused).getReason()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(historySize(agent.getId(), request.getThreadId())).isEqualTo(1);
        assertThat(checkpointRows(tenant)).isEqualTo(1);
        calls.assertGrouped();
    }

    /**
     * Proves: a retry racing its first attempt (32 keys, each sent by two callers at once,
     * most pairs landing in one group) replays the first: of each pair exactly one hears its
     * checkpoint saved and the other the same checkpoint replayed; 32 checkpoints are stored.
     */
    @Test
    void aRetryInTheSameMomentReplaysTheFirst() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);
        List<SaveCheckpointRequest> requests = new ArrayList<>();
        for (int pair = 0; pair < CALLERS / 2; pair++) {
            requests.add(AgentStateFixtures.aFirstCheckpoint(agent.getId()).setStateJson(stateOf(pair, 1))
                    .setIdempotencyKey("save-" + UUID.randomUUID()).build());
        }

        List<SaveCheckpointResponse> heard = calls.concurrently(i -> () -> client.as(runtime)
                .saveCheckpoint(requests.get(i / 2)));

        for (int pair = 0; pair < CALLERS / 2; pair++) {
            SaveCheckpointResponse one = heard.get(2 * pair);
            SaveCheckpointResponse other = heard.get(2 * pair + 1);
            assertThat(List.of(one.getReplayed(), other.getReplayed())).containsExactlyInAnyOrder(false, true);
            assertThat(one.getCheckpoint()).isEqualTo(other.getCheckpoint());
            assertThat(one.getCheckpoint().getThreadId()).isEqualTo(requests.get(pair).getThreadId());
        }
        assertThat(checkpointRows(tenant)).isEqualTo(CALLERS / 2);
        calls.assertGrouped();
    }

    /**
     * Proves: a caller's refusal is its own answer only. Of 64 concurrent callers saving
     * new threads of one agent whose lease was claimed twice, those sending the stale
     * fencing token 1 hear STALE_FENCING_TOKEN, those naming a thread that does not exist
     * or an agent that does not exist hear NOT_FOUND for it; those with the newest token 2
     * and those without a token all save their own checkpoint. Only theirs are stored.
     */
    @Test
    void aCallersRefusalNeverFailsItsNeighbours() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        assertThat(claim(agent, "worker-a")).isEqualTo(1);
        runtime().releaseLease(ReleaseLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("worker-a")
                .setFencingToken(1).build());
        assertThat(claim(agent, "worker-b")).isEqualTo(2);
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);
        List<SaveCheckpointRequest> requests = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            SaveCheckpointRequest.Builder request = AgentStateFixtures.aFirstCheckpoint(agent.getId())
                    .setStateJson(stateOf(i, 1));
            switch (i % 8) {
                case 0, 4 -> request.setFencingToken(1);
                case 1, 5 -> request.setFencingToken(2);
                case 2 -> request.setExpectedVersion(3);
                case 6 -> request.setAgentId(UUID.randomUUID().toString());
                default -> {
                    // no fencing token
                }
            }
            requests.add(request.build());
        }

        List<Heard> heard = calls.concurrently(i -> () -> attempt(() -> client.as(runtime)
                .saveCheckpoint(requests.get(i))));

        int saved = 0;
        for (int i = 0; i < CALLERS; i++) {
            SaveCheckpointRequest request = requests.get(i);
            switch (i % 8) {
                case 0, 4 -> assertThat(GrpcCalls.preconditionType(heard.get(i).refused()))
                        .isEqualTo("STALE_FENCING_TOKEN");
                case 2 -> assertNotFound(heard.get(i).refused(), "thread", request.getThreadId());
                case 6 -> assertNotFound(heard.get(i).refused(), "agent", request.getAgentId());
                default -> {
                    assertThat(heard.get(i).refused()).as("caller %d", i).isNull();
                    CheckpointSummary checkpoint = heard.get(i).saved().getCheckpoint();
                    assertThat(checkpoint.getThreadId()).isEqualTo(request.getThreadId());
                    assertThat(checkpoint.getVersion()).isEqualTo(1);
                    assertThat(checkpoint.getStateBytes()).isEqualTo(request.getStateJson().length());
                    saved++;
                }
            }
        }
        assertThat(saved).isEqualTo(CALLERS / 2);
        assertThat(checkpointRows(tenant)).isEqualTo(CALLERS / 2);
        assertThat(count("SELECT count(*) FROM agent_state.threads WHERE tenant_id = ?::uuid", tenant))
                .isEqualTo(CALLERS / 2);
        calls.assertGrouped();
    }

    /**
     * Proves: a storage-quota refusal (counted by the database for the group's transaction)
     * is the answer of the saves over the quota only. A tenant whose quota is exactly its 8
     * threads of 1 byte, 56 more saves of 1 byte and 5 states of 200 bytes gets 64 saves at
     * once: 56 start threads with 1 byte, 8 advance those threads with 200 bytes. All 56
     * small ones are saved; of the 8 large ones exactly 5 fit and 3 hear RESOURCE_EXHAUSTED
     * with the quota as bound; the tenant stores exactly its quota. A refused thread stays at
     * version 1 as its readers see it: the Redis fence its save raised for a version 2 that
     * never committed makes the cache miss, never serve something else.
     */
    @Test
    void aStorageQuotaRefusalIsTheAnswerOfTheSavesOverItOnly() throws Exception {
        await().atMost(WAIT).until(caching::trusted);
        int large = CALLERS / 8;
        long quota = large + (CALLERS - large) + 5 * 200;
        tenant = StorageQuotaChecks.aTenantWithStorageQuota(quota);
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        List<SaveCheckpointRequest> threads = new ArrayList<>();
        for (int i = 0; i < large; i++) {
            SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).setStateJson("1").build();
            runtime().saveCheckpoint(first);
            threads.add(first);
        }
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);

        List<Heard> heard = calls.concurrently(i -> () -> attempt(() -> client.as(runtime).saveCheckpoint(i % 8 == 0
                ? threads.get(i / 8).toBuilder().setExpectedVersion(1).setStateJson(stateOfBytes(200)).build()
                : AgentStateFixtures.aFirstCheckpoint(agent.getId()).setStateJson("1").build())));

        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            if (i % 8 != 0) {
                assertThat(heard.get(i).refused()).as("caller %d", i).isNull();
                assertThat(heard.get(i).saved().getCheckpoint().getVersion()).isEqualTo(1);
            } else if (heard.get(i).refused() != null) {
                StatusRuntimeException refusal = heard.get(i).refused();
                assertThat(codeOf(refusal)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(GrpcCalls.errorInfo(refusal).getReason()).isEqualTo("tenant.quotas.storage_bytes");
                assertThat(GrpcCalls.errorInfo(refusal).getMetadataMap()).containsEntry("bound", Long.toString(quota));
                refused.add(i / 8);
            } else {
                assertThat(heard.get(i).saved().getCheckpoint().getVersion()).isEqualTo(2);
            }
        }
        assertThat(refused).hasSize(3);
        assertThat(StorageQuotaChecks.storedBytes("agent_state", tenant)).isEqualTo(quota);
        assertThat(checkpointRows(tenant)).isEqualTo(large + CALLERS - 3);
        for (int thread = 0; thread < large; thread++) {
            String threadId = threads.get(thread).getThreadId();
            Checkpoint latest = latest(agent.getId(), threadId);
            if (refused.contains(thread)) {
                String key = RedisProbe.prefix(tenant) + "thread:" + threadId + ":latest";
                assertThat(RedisProbe.send(Command.HGET, key, "fence").toString()).as("fenced, never committed")
                        .isEqualTo("2");
                assertThat(RedisProbe.send(Command.HGET, key, "version")).as("nothing cached under the fence")
                        .isNull();
                assertThat(latest.getVersion()).isEqualTo(1);
                assertThat(latest.getStateJson()).isEqualTo("1");
            } else {
                assertThat(latest.getVersion()).isEqualTo(2);
                assertThat(latest.getStateJson()).isEqualTo(stateOfBytes(200));
            }
        }
        calls.assertGrouped();
    }

    /**
     * Proves: a group holds one tenant. Two tenants' callers save at once; the intruder's
     * callers each name the victim's thread with their own agent: advancing it they hear
     * NOT_FOUND, starting it THREAD_ID_TAKEN, the very answers they hear alone; the victim's
     * callers (grouped in the same moment) all save their own threads. The victim's thread
     * is untouched, and the intruder stores nothing.
     */
    @Test
    void aGroupNeverSeesAnotherTenantsThreads() throws Exception {
        Agent victimAgent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest victimThread = AgentStateFixtures.aFirstCheckpoint(victimAgent.getId())
                .setStateJson("{\"owner\": \"victim\"}").build();
        runtime().saveCheckpoint(victimThread);
        Map<String, String> victim = AgentStateFixtures.runtimeOf(tenant);
        String intruderTenant = StorageQuotaChecks.aTenantWithStorageQuota(ROOMY_BYTES);
        Map<String, String> intruder = AgentStateFixtures.runtimeOf(intruderTenant);
        Agent intruderAgent = AgentStateFixtures.registeredAgent(client.as(intruder),
                AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest advanceTheirs = victimThread.toBuilder().setAgentId(intruderAgent.getId())
                .setExpectedVersion(1).setStateJson("{\"owner\": \"intruder\"}").build();
        SaveCheckpointRequest startTheirs = advanceTheirs.toBuilder().setExpectedVersion(0).build();
        com.google.rpc.Status advanceAlone = GrpcCalls.statusOf(attempt(() -> client.as(intruder)
                .saveCheckpoint(advanceTheirs)).refused());
        com.google.rpc.Status startAlone = GrpcCalls.statusOf(attempt(() -> client.as(intruder)
                .saveCheckpoint(startTheirs)).refused());
        assertThat(Status.fromCodeValue(advanceAlone.getCode()).getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Status.fromCodeValue(startAlone.getCode()).getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        List<SaveCheckpointRequest> victimSaves = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            victimSaves.add(AgentStateFixtures.aFirstCheckpoint(victimAgent.getId()).setStateJson(stateOf(i, 1))
                    .build());
        }

        List<Heard> heard = calls.concurrently(i -> () -> attempt(() -> switch (i % 4) {
            case 1 -> client.as(intruder).saveCheckpoint(advanceTheirs);
            case 3 -> client.as(intruder).saveCheckpoint(startTheirs);
            default -> client.as(victim).saveCheckpoint(victimSaves.get(i));
        }));

        for (int i = 0; i < CALLERS; i++) {
            switch (i % 4) {
                case 1 -> assertThat(GrpcCalls.statusOf(heard.get(i).refused())).isEqualTo(advanceAlone);
                case 3 -> assertThat(GrpcCalls.statusOf(heard.get(i).refused())).isEqualTo(startAlone);
                default -> {
                    assertThat(heard.get(i).refused()).as("caller %d", i).isNull();
                    assertThat(heard.get(i).saved().getCheckpoint().getThreadId())
                            .isEqualTo(victimSaves.get(i).getThreadId());
                }
            }
        }
        assertThat(GrpcCalls.errorInfo(heard.get(3).refused()).getReason()).isEqualTo("THREAD_ID_TAKEN");
        Checkpoint untouched = latest(victimAgent.getId(), victimThread.getThreadId());
        assertThat(untouched.getVersion()).isEqualTo(1);
        assertThat(untouched.getStateJson()).isEqualTo("{\"owner\": \"victim\"}");
        assertThat(historySize(victimAgent.getId(), victimThread.getThreadId())).isEqualTo(1);
        assertThat(checkpointRows(tenant)).isEqualTo(1 + CALLERS / 2);
        assertThat(checkpointRows(intruderTenant)).isZero();
        assertThat(count("SELECT count(*) FROM agent_state.threads WHERE tenant_id = ?::uuid", intruderTenant))
                .isZero();
        calls.assertGrouped();
    }

    /**
     * Proves: a group takes its row locks before a save's insert locks the tenant's storage
     * count, so it never deadlocks with another replica's transaction. Another transaction
     * (standing for a save on another replica) holds thread B's row. A group of two saves,
     * of threads A and B (A first in lock order), starts meanwhile: it waits for B's row in
     * its first statement, before saving A. The other transaction then takes the storage
     * count, as a save's insert does, and commits without waiting; the group then commits
     * both saves, none run again alone. (A group that saved A before asking for B's row
     * would hold the count while waiting for B, and the other transaction would wait for
     * the count: a deadlock, which PostgreSQL breaks by aborting one of them.)
     */
    @Test
    void aGroupLocksItsRowsBeforeTheStorageCountSoItNeverDeadlocksWithAnotherReplica() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        List<SaveCheckpointRequest> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
            runtime().saveCheckpoint(first);
            threads.add(first.toBuilder().setExpectedVersion(1).setStateJson(stateOf(i, 2)).build());
        }
        SaveCheckpointRequest lone = threads.get(0);
        List<SaveCheckpointRequest> grouped = threads.subList(1, 3).stream()
                .sorted(Comparator.comparing(SaveCheckpointRequest::getThreadId)).toList();
        String threadB = grouped.get(1).getThreadId();
        Map<String, String> runtime = AgentStateFixtures.runtimeOf(tenant);
        double splitsBefore = splits();
        double groupsOfCallsBefore = groups().map(DistributionSummary::count).orElse(0L);

        Future<Heard> first;
        List<Future<Heard>> group = new ArrayList<>();
        try (Connection blocker = FleetTestResource.database().connectAsSuperuser();
                Connection replica = FleetTestResource.database().connectAsSuperuser()) {
            blocker.setAutoCommit(false);
            replica.setAutoCommit(false);
            execute(replica, "SET lock_timeout = '20s'");
            lockThread(blocker, lone.getThreadId());
            lockThread(replica, threadB);
            // A lone save that waits for the blocker, so that the next two saves queue behind it and form one group.
            first = calls.submit(() -> attempt(() -> client.as(runtime).saveCheckpoint(lone)));
            await().atMost(WAIT).until(() -> waiting("%unnest%FOR UPDATE OF threads%") == 1);
            double admittedBefore = admitted();
            for (SaveCheckpointRequest save : grouped) {
                group.add(calls.submit(() -> attempt(() -> client.as(runtime).saveCheckpoint(save))));
            }
            await().atMost(WAIT).until(() -> admitted() >= admittedBefore + grouped.size());
            blocker.commit();
            assertThat(first.get(120, TimeUnit.SECONDS).saved().getCheckpoint().getVersion()).isEqualTo(2);
            await("the group waits for thread B's row in its first statement").atMost(WAIT)
                    .until(() -> waiting("%unnest%FOR UPDATE OF threads%") == 1);
            try (PreparedStatement count = replica.prepareStatement(
                    "UPDATE agent_state.tenant_storage SET bytes = bytes WHERE tenant_id = ?::uuid")) {
                count.setString(1, tenant);
                assertThat(count.executeUpdate()).as("the storage count, taken without waiting").isEqualTo(1);
            }
            replica.commit();
        }

        for (int i = 0; i < grouped.size(); i++) {
            Heard heard = group.get(i).get(120, TimeUnit.SECONDS);
            assertThat(heard.refused()).as("save of thread %s", grouped.get(i).getThreadId()).isNull();
            assertThat(heard.saved().getCheckpoint().getThreadId()).isEqualTo(grouped.get(i).getThreadId());
            assertThat(heard.saved().getCheckpoint().getVersion()).isEqualTo(2);
        }
        assertThat(splits()).as("groups that ran their saves alone").isEqualTo(splitsBefore);
        assertThat(groups().orElseThrow().count() - groupsOfCallsBefore).as("the lone save, then one group of two")
                .isEqualTo(2);
        calls.assertGrouped(threads.size() * 2);
    }

    private Optional<DistributionSummary> groups() {
        return Optional.ofNullable(meters.find("aicunet.group.commit.calls").tag("group", SaveCheckpoint.GROUP)
                .summary());
    }

    /** What a caller heard: the saved checkpoint, or the refusal. */
    private record Heard(SaveCheckpointResponse saved, StatusRuntimeException refused) {
    }

    private static Heard attempt(Supplier<SaveCheckpointResponse> save) {
        try {
            return new Heard(save.get(), null);
        } catch (StatusRuntimeException refused) {
            return new Heard(null, refused);
        }
    }





    /** Groups that could not commit as a whole, so each of their saves ran alone. */
    private double splits() {
        return Optional.ofNullable(meters.find("aicunet.group.commit.splits").tag("group", SaveCheckpoint.GROUP)
                .counter()).map(Counter::count).orElse(0.0);
    }

    /** Saves the policy admitted so far (asked, or allowed from its cache). */
    private double admitted() {
        double asked = meters.find("aicunet.policy.decisions").tag("action", SaveCheckpoint.ACTION)
                .tag("allowed", "true").counters().stream().mapToDouble(Counter::count).sum();
        double cached = meters.find("aicunet.policy.cached.allows").tag("action", SaveCheckpoint.ACTION)
                .counters().stream().mapToDouble(Counter::count).sum();
        return asked + cached;
    }

    /** Sessions of the test database waiting for a lock in a statement like {@code pattern}. */
    private static long waiting(String pattern) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE ?")) {
            select.setString(1, pattern);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void lockThread(Connection transaction, String threadId) throws Exception {
        try (PreparedStatement lock = transaction.prepareStatement(
                "SELECT thread_id FROM agent_state.threads WHERE thread_id = ?::uuid FOR UPDATE")) {
            lock.setString(1, threadId);
            try (ResultSet rows = lock.executeQuery()) {
                assertThat(rows.next()).as("thread %s exists", threadId).isTrue();
            }
        }
    }

    private static void execute(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** A lease claim of the agent by {@code worker}; its fencing token. */
    private long claim(Agent agent, String worker) {
        return runtime().claimLease(ClaimLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId(worker)
                .setTtlMillis(60_000).build()).getFencingToken();
    }

    private static void assertNotFound(StatusRuntimeException refused, String type, String id) {
        assertThat(refused).as("the refusal of %s %s", type, id).isNotNull();
        assertThat(codeOf(refused)).as("%s", refused.getStatus()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(GrpcCalls.detail(refused, com.google.rpc.ResourceInfo.class).getResourceType()).isEqualTo(type);
        assertThat(GrpcCalls.detail(refused, com.google.rpc.ResourceInfo.class).getResourceName()).isEqualTo(id);
    }

    /** How many saves ran one by one because their group was not all on its happy path. */
    private double savesOneByOne() {
        return meters.counter("aicunet.checkpoint.saves.one.by.one").count();
    }

    private Checkpoint latest(String agentId, String threadId) {
        return runtime().getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agentId)
                .setThreadId(threadId).build()).getCheckpoint();
    }

    private int historySize(String agentId, String threadId) {
        return runtime().listCheckpoints(ListCheckpointsRequest.newBuilder().setAgentId(agentId)
                .setThreadId(threadId).setPageSize(100).build()).getCheckpointsCount();
    }

    /** A caller's own state, as jsonb renders it (so it reads back as sent). */
    private static String stateOf(int caller, int step) {
        return "{\"caller\": \"" + caller + "/" + step + "\"}";
    }

    /** A JSON document of exactly {@code bytes} bytes (at least 10): {"s":"xxx..."}, as jsonb renders it. */
    private static String stateOfBytes(int bytes) {
        return "{\"s\": \"" + "x".repeat(bytes - 9) + "\"}";
    }

    private static long checkpointRows(String tenant) throws Exception {
        return count("SELECT count(*) FROM agent_state.checkpoints WHERE tenant_id = ?::uuid", tenant);
    }

    private static long count(String sql, String tenant) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(sql)) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
