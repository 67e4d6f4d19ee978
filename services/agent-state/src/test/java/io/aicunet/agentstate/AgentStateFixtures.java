package io.aicunet.agentstate;

import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.ChangeAgentStatusRequest;
import io.aicunet.contracts.agentstate.v1.RegisterAgentRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import java.util.Map;
import java.util.UUID;

/** Named builders of agent-state requests and callers, each unique so tests never collide. */
public final class AgentStateFixtures {

    private AgentStateFixtures() {
    }

    /**
     * A new tenant of the real tenant service: it has a data key, so the service can
     * store its personal data (checkpoint states, task payloads).
     */
    public static String aTenantId() {
        return TenantServiceProcess.createTenant();
    }

    /** A tenant id the tenant service does not know: it has no data key. */
    public static String anUnknownTenantId() {
        return UUID.randomUUID().toString();
    }

    /** The agent runtime of a tenant: registers agents, saves checkpoints, heartbeats, leases, works queues. */
    public static Map<String, String> runtimeOf(String tenant) {
        return TestCallers.ofTenant(tenant, "agent-runtime");
    }

    /** A valid registration of a research agent with one label. */
    public static RegisterAgentRequest.Builder anAgent() {
        return RegisterAgentRequest.newBuilder()
                .setIdempotencyKey("register-" + UUID.randomUUID())
                .setKind("research-assistant")
                .putLabels("team", "search");
    }

    /** A save starting a new thread of the agent with a small state. */
    public static SaveCheckpointRequest.Builder aFirstCheckpoint(String agentId) {
        return SaveCheckpointRequest.newBuilder()
                .setAgentId(agentId)
                .setThreadId(UUID.randomUUID().toString())
                .setExpectedVersion(0)
                .setStateJson("{\"step\": 1, \"messages\": [\"hello\"]}")
                .putMetadata("node", "planner");
    }

    /** Registers an agent and moves it to {@code status} through legal transitions. */
    public static Agent registeredAgent(AgentStateServiceBlockingStub stub, AgentStatus status) {
        Agent agent = stub.registerAgent(anAgent().build()).getAgent();
        if (status == AgentStatus.AGENT_STATUS_REGISTERED) {
            return agent;
        }
        agent = move(stub, agent, AgentStatus.AGENT_STATUS_IDLE);
        if (status == AgentStatus.AGENT_STATUS_RUNNING || status == AgentStatus.AGENT_STATUS_PAUSED) {
            agent = move(stub, agent, AgentStatus.AGENT_STATUS_RUNNING);
        }
        if (status == AgentStatus.AGENT_STATUS_PAUSED) {
            agent = move(stub, agent, AgentStatus.AGENT_STATUS_PAUSED);
        }
        return agent;
    }

    public static Agent move(AgentStateServiceBlockingStub stub, Agent agent, AgentStatus status) {
        return stub.changeAgentStatus(ChangeAgentStatusRequest.newBuilder()
                .setAgentId(agent.getId()).setStatus(status).build()).getAgent();
    }
}
