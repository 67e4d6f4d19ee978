package io.aicunet.agentstate;

import static io.aicunet.platform.testing.GrpcCalls.codeOf;
import static io.aicunet.platform.testing.GrpcCalls.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.GetCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bad input to checkpoint calls: a precise error each time, and nothing changed. */
@QuarkusTest
class CheckpointBadInputTest extends GrpcTestBase {

    /** Proves: a state one byte over 1 MiB is INVALID_ARGUMENT on state_json; exactly 1 MiB is saved. */
    @Test
    void oversizedState() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        String exactly = "\"" + "x".repeat(1024 * 1024 - 2) + "\"";
        SaveCheckpointRequest tooBig = AgentStateFixtures.aFirstCheckpoint(agent.getId())
                .setStateJson("\"" + "x".repeat(1024 * 1024 - 1) + "\"").build();
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> runtime().saveCheckpoint(tooBig));
        assertThat(codeOf(refused)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violatedFields(refused)).containsExactly("state_json");
        assertThat(GrpcCalls.statusOf(refused).getMessage()).contains("1048576");
        assertThat(checkpointRows(agent.getId())).isZero();

        assertThat(runtime().saveCheckpoint(tooBig.toBuilder().setStateJson(exactly).build()).getCheckpoint()
                .getStateBytes()).isEqualTo(1024 * 1024);
        assertThat(checkpointRows(agent.getId())).isEqualTo(1);
    }

    /** Proves: invalid JSON, a malformed thread id, negative versions and oversized metadata are named at once. */
    @Test
    void malformedRequestNamesEveryField() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest.Builder bad = SaveCheckpointRequest.newBuilder()
                .setAgentId(agent.getId())
                .setThreadId("thread-1")
                .setExpectedVersion(-1)
                .setStateJson("{\"unclosed\": ")
                .setFencingToken(-5);
        for (int i = 0; i < 33; i++) {
            bad.putMetadata("key" + i, "v");
        }
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> runtime().saveCheckpoint(bad.build()));
        assertThat(codeOf(refused)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violatedFields(refused)).containsExactlyInAnyOrder("thread_id", "expected_version", "state_json",
                "metadata", "fencing_token");
        assertThat(checkpointRows(agent.getId())).isZero();
    }

    /** Proves: an unknown agent, an unknown thread and an unknown checkpoint are NOT_FOUND naming which. */
    @Test
    void unknownAgentThreadOrCheckpoint() {
        String unknownAgent = UUID.randomUUID().toString();
        StatusRuntimeException noAgent = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .saveCheckpoint(AgentStateFixtures.aFirstCheckpoint(unknownAgent).build()));
        assertThat(codeOf(noAgent)).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(GrpcCalls.statusOf(noAgent).getMessage()).startsWith("agent ");

        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        String unknownThread = UUID.randomUUID().toString();
        StatusRuntimeException noThread = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId())
                        .setThreadId(unknownThread).build()));
        assertThat(codeOf(noThread)).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(GrpcCalls.statusOf(noThread).getMessage()).startsWith("thread ");

        StatusRuntimeException advanceUnknown = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .saveCheckpoint(AgentStateFixtures.aFirstCheckpoint(agent.getId()).setThreadId(unknownThread)
                        .setExpectedVersion(3).build()));
        assertThat(codeOf(advanceUnknown)).isEqualTo(Status.Code.NOT_FOUND);

        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);
        StatusRuntimeException noCheckpoint = catchThrowableOfType(StatusRuntimeException.class, () -> runtime()
                .getCheckpoint(GetCheckpointRequest.newBuilder().setAgentId(agent.getId())
                        .setThreadId(first.getThreadId()).setCheckpointId(UUID.randomUUID().toString()).build()));
        assertThat(codeOf(noCheckpoint)).isEqualTo(Status.Code.NOT_FOUND);
    }

    /**
     * Proves: another tenant's runtime sees the agent and its thread as absent (NOT_FOUND),
     * cannot write to it, and cannot start a thread under the same id; the owner's data stays.
     */
    @Test
    void anotherTenantsAgentIsInvisible() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        SaveCheckpointRequest first = AgentStateFixtures.aFirstCheckpoint(agent.getId()).build();
        runtime().saveCheckpoint(first);

        String intruder = AgentStateFixtures.aTenantId();
        var foreign = client.as(AgentStateFixtures.runtimeOf(intruder));
        assertThat(codeOf(catchThrowableOfType(StatusRuntimeException.class, () -> foreign.getLatestCheckpoint(
                GetLatestCheckpointRequest.newBuilder().setAgentId(agent.getId()).setThreadId(first.getThreadId())
                        .build())))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(catchThrowableOfType(StatusRuntimeException.class, () -> foreign.saveCheckpoint(
                first.toBuilder().setExpectedVersion(1).setStateJson("{\"hijacked\": true}").build()))))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(catchThrowableOfType(StatusRuntimeException.class, () -> foreign.claimLease(
                ClaimLeaseRequest.newBuilder().setAgentId(agent.getId()).setWorkerId("thief").build()))))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(checkpointRows(agent.getId())).isEqualTo(1);
    }

    /** Proves: a role without checkpoints.write (tenant-viewer) is PERMISSION_DENIED by the policy, and nothing is saved. */
    @Test
    void viewerMayNotWrite() throws Exception {
        Agent agent = AgentStateFixtures.registeredAgent(runtime(), AgentStatus.AGENT_STATUS_RUNNING);
        StatusRuntimeException denied = catchThrowableOfType(StatusRuntimeException.class, () -> client
                .as(TestCallers.ofTenant(tenant, "tenant-viewer"))
                .saveCheckpoint(AgentStateFixtures.aFirstCheckpoint(agent.getId()).build()));
        assertThat(codeOf(denied)).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(checkpointRows(agent.getId())).isZero();
    }

    static int checkpointRows(String agentId) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(
                        "SELECT count(*) FROM agent_state.checkpoints WHERE agent_id = ?::uuid")) {
            select.setString(1, agentId);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
