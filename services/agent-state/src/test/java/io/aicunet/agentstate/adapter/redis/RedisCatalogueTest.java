package io.aicunet.agentstate.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.agentstate.AgentStateFixtures;
import io.aicunet.agentstate.GrpcTestBase;
import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.FailTaskRequest;
import io.aicunet.contracts.agentstate.v1.ForkThreadRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.HeartbeatRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.Task;
import io.aicunet.platform.testing.RedisCatalogue;
import io.aicunet.platform.testing.RedisCatalogue.ObservedKey;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The keys agent-state really writes are the ones docs/redis.md catalogues, with their
 * types and TTLs (platform/testing's RedisCatalogue; scope: every key naming this test's
 * tenant, so other tests' keys in the shared Redis cannot fail it).
 */
@QuarkusTest
class RedisCatalogueTest extends GrpcTestBase {

    /**
     * Proves: after driving every Redis path of agent-state through its gRPC API for one
     * tenant (checkpoint save, cached read and fork; lease claim; enqueue, claim, and a
     * task failed until it is dead-lettered; heartbeat), every key naming that tenant
     * matches exactly one catalogued pattern, has the catalogued type and a TTL no longer
     * than catalogued, and every pattern docs/redis.md gives agent-state was written.
     */
    @Test
    void everyKeyAgentStateWritesIsCataloguedWithItsTtl() {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        String checkpointId = runtime().saveCheckpoint(first).getCheckpoint().getId();
        assertThat(runtime().getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(first.getThreadId()).build()).getCheckpoint().getVersion()).isEqualTo(1);
        String forked = runtime().forkThread(ForkThreadRequest.newBuilder().setAgentId(agent.getId())
                .setThreadId(first.getThreadId()).setCheckpointId(checkpointId).build()).getCheckpoint().getThreadId();

        runtime().claimLease(ClaimLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("catalogue-worker")
                .setTtlMillis(60_000).build());

        String queue = "catalogue";
        runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson("{\"n\": 1}").build());
        // Deliveries-max is 3 in tests: the third failed delivery goes to the dead-letter stream.
        boolean deadLettered = false;
        for (int delivery = 1; delivery <= 3; delivery++) {
            List<Task> tasks = runtime().claimTasks(ClaimTasksRequest.newBuilder().setQueue(queue)
                    .setConsumer("consumer-" + delivery).setCount(1).build()).getTasksList();
            assertThat(tasks).hasSize(1);
            deadLettered = runtime().failTask(FailTaskRequest.newBuilder().setQueue(queue)
                    .setTaskId(tasks.get(0).getId()).setConsumer("consumer-" + delivery).setReason("no luck")
                    .build()).getDeadLettered();
        }
        assertThat(deadLettered).isTrue();
        runtime().enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson("{\"n\": 2}").build());

        // Last: a heartbeat lives only lost-after (1.5 s in tests).
        runtime().heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent.getId()).build());

        RedisCatalogue catalogue = RedisCatalogue.fleet();
        List<ObservedKey> keys = catalogue.assertKeysCatalogued("*" + tenant + "*");
        catalogue.assertEveryPatternSeen("agent-state", keys, List.of());
        assertThat(keys).extracting(ObservedKey::name).contains(
                "t:{" + tenant + "}:agent-state:thread:" + first.getThreadId() + ":latest",
                "t:{" + tenant + "}:agent-state:thread:" + forked + ":latest",
                "t:{" + tenant + "}:agent-state:agent:" + agent.getId() + ":lease",
                "t:{" + tenant + "}:agent-state:queue:" + queue,
                "t:{" + tenant + "}:agent-state:queue:" + queue + ":dead");
    }
}
