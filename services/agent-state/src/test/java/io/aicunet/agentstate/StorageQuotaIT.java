package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.ServiceProcess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The storage quota across two real replicas: the packaged application Quarkus starts
 * for this test and a second process of the same jar on another port, both on the same
 * database and tenant service.
 */
@QuarkusIntegrationTest
class StorageQuotaIT {

    @TestHTTPResource(tls = true)
    URL first;

    /**
     * Proves: a tenant with a quota of 1000 bytes sends 24 saves of 100 bytes at once,
     * half through each replica: exactly 10 are saved and 14 refused with
     * RESOURCE_EXHAUSTED (the bound 1000, a current use of at most 1000), and the tenant's
     * count is exactly 1000, never over.
     */
    @Test
    void concurrentSavesOnTwoReplicasNeverPassTheQuota() throws Exception {
        ServiceProcess second = ServiceProcess.secondReplica("agent-state", Map.of());
        AgentStateGrpcClient toFirst = new AgentStateGrpcClient(first.getPort());
        AgentStateGrpcClient toSecond = new AgentStateGrpcClient(second);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            String tenant = StorageQuotaTest.aTenantWithStorageQuota(1000);
            Agent agent = AgentStateFixtures.registeredAgent(toFirst.as(AgentStateFixtures.runtimeOf(tenant)),
                    AgentStatus.AGENT_STATUS_RUNNING);
            List<Callable<Boolean>> saves = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                AgentStateServiceBlockingStub through = (i % 2 == 0 ? toFirst : toSecond)
                        .as(AgentStateFixtures.runtimeOf(tenant));
                SaveCheckpointRequest save = AgentStateFixtures.aFirstCheckpoint(agent.getId())
                        .setThreadId(UUID.randomUUID().toString()).setStateJson(StorageQuotaTest.stateOf(100))
                        .build();
                saves.add(() -> {
                    try {
                        through.saveCheckpoint(save);
                        return true;
                    } catch (StatusRuntimeException refused) {
                        assertThat(codeOf(refused)).as(refused.getStatus().toString())
                                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        Map<String, String> info = GrpcCalls.errorInfo(refused).getMetadataMap();
                        assertThat(info).containsEntry("bound", "1000");
                        assertThat(Long.parseLong(info.get("current"))).isBetween(901L, 1000L);
                        return false;
                    }
                });
            }
            int saved = 0;
            for (Future<Boolean> outcome : threads.invokeAll(saves, 120, TimeUnit.SECONDS)) {
                saved += outcome.get() ? 1 : 0;
            }
            assertThat(saved).as("saves that got in on two replicas").isEqualTo(10);
            assertThat(StorageQuotaTest.storedBytes(tenant)).isEqualTo(1000);
        } finally {
            threads.shutdownNow();
            toFirst.close();
            toSecond.close();
            second.close();
        }
    }
}
