package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.contracts.agentstate.v1.AckTaskRequest;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.Task;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.ServiceProcess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bound on a tenant's queues across two real replicas: the packaged application
 * Quarkus starts for this test and a second process of the same jar on another port,
 * both on the same database, Redis and tenant service, both with a bound of 3.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = QueuesPerTenantIT.SmallBound.class, restrictToAnnotatedClass = true)
class QueuesPerTenantIT {

    @TestHTTPResource(tls = true)
    URL first;

    /**
     * Proves: queues created through either replica count once for the tenant: two on the
     * first and one on the second reach the bound; a fourth is RESOURCE_EXHAUSTED on both
     * replicas with the count 3, while enqueueing into an existing queue works on either;
     * emptying a queue through one replica lets exactly one new queue in through the other.
     * Then 12 new queues of a second tenant sent at once, half to each replica, create
     * exactly 3.
     */
    @Test
    void theCountIsSharedByBothReplicas() throws Exception {
        ServiceProcess second = ServiceProcess.secondReplica("agent-state", SmallBound.SETTINGS);
        AgentStateGrpcClient toFirst = new AgentStateGrpcClient(first.getPort());
        AgentStateGrpcClient toSecond = new AgentStateGrpcClient(second);
        try {
            String tenant = AgentStateFixtures.aTenantId();
            AgentStateServiceBlockingStub one = toFirst.as(AgentStateFixtures.runtimeOf(tenant));
            AgentStateServiceBlockingStub two = toSecond.as(AgentStateFixtures.runtimeOf(tenant));
            enqueue(one, "q-1");
            enqueue(one, "q-2");
            enqueue(two, "q-3");
            assertExhausted(catchThrowableOfType(StatusRuntimeException.class, () -> enqueue(one, "q-4")));
            assertExhausted(catchThrowableOfType(StatusRuntimeException.class, () -> enqueue(two, "q-4")));
            enqueue(two, "q-1");
            enqueue(one, "q-3");

            List<Task> tasks = one.claimTasks(ClaimTasksRequest.newBuilder().setQueue("q-2").setConsumer("w")
                    .setCount(10).build()).getTasksList();
            assertThat(tasks).hasSize(1);
            one.ackTask(AckTaskRequest.newBuilder().setQueue("q-2").setTaskId(tasks.get(0).getId()).setConsumer("w")
                    .build());
            enqueue(two, "q-4");
            assertExhausted(catchThrowableOfType(StatusRuntimeException.class, () -> enqueue(one, "q-5")));

            String racing = AgentStateFixtures.aTenantId();
            ExecutorService threads = Executors.newFixedThreadPool(6);
            try {
                List<Callable<Boolean>> creates = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    AgentStateServiceBlockingStub through = (i % 2 == 0 ? toFirst : toSecond)
                            .as(AgentStateFixtures.runtimeOf(racing));
                    String queue = "race-" + i;
                    creates.add(() -> {
                        try {
                            enqueue(through, queue);
                            return true;
                        } catch (StatusRuntimeException e) {
                            assertExhausted(e);
                            return false;
                        }
                    });
                }
                int created = 0;
                for (Future<Boolean> outcome : threads.invokeAll(creates, 60, TimeUnit.SECONDS)) {
                    created += outcome.get() ? 1 : 0;
                }
                assertThat(created).as("queues created by 12 concurrent calls on two replicas").isEqualTo(3);
            } finally {
                threads.shutdownNow();
            }
        } finally {
            toFirst.close();
            toSecond.close();
            second.close();
        }
    }

    private static void enqueue(AgentStateServiceBlockingStub replica, String queue) {
        replica.enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue).setPayloadJson("{}").build());
    }

    private static void assertExhausted(StatusRuntimeException refused) {
        assertThat(codeOf(refused)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(GrpcCalls.errorInfo(refused).getMetadataMap()).containsEntry("bound", "3")
                .containsEntry("current", "3");
    }

    /** Both replicas bound a tenant's queues at 3. */
    public static class SmallBound implements QuarkusTestResourceLifecycleManager {

        static final Map<String, String> SETTINGS = Map.of("agent-state.tasks.queues-per-tenant-max", "3");

        @Override
        public Map<String, String> start() {
            return SETTINGS;
        }

        @Override
        public void stop() {
        }
    }
}
