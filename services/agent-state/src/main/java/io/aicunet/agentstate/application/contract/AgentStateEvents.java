package io.aicunet.agentstate.application.contract;

import com.google.protobuf.Message;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.contracts.agentstate.v1.AgentLost;
import io.aicunet.contracts.agentstate.v1.AgentRegistered;
import io.aicunet.contracts.agentstate.v1.AgentStatusChanged;
import io.aicunet.contracts.agentstate.v1.CheckpointSaved;
import java.time.Duration;
import java.time.Instant;

/**
 * Where the agent-state service announces its changes, and each event as the contract
 * spells it, built from domain values: use cases hand these to the outbox without
 * touching the contracts themselves.
 */
public final class AgentStateEvents {

    /** Every agent-state event, keyed by tenant id, with the agent id as CloudEvents subject. */
    public static final String TOPIC = "agent-state.agents.v1";

    private AgentStateEvents() {
    }

    /** AgentRegistered: the new agent, labels included. */
    public static Message registered(Agent agent) {
        return AgentRegistered.newBuilder().setAgent(AgentStateProtos.toProto(agent)).build();
    }

    /** AgentStatusChanged: from the agent as it was to the changed one, with the caller's reason. */
    public static Message statusChanged(Agent before, Agent changed, String reason) {
        return AgentStatusChanged.newBuilder()
                .setAgentId(changed.id().toString())
                .setPreviousStatus(AgentStateProtos.toProto(before.status()))
                .setStatus(AgentStateProtos.toProto(changed.status()))
                .setVersion(changed.version())
                .setReason(reason)
                .setChangedAt(AgentStateProtos.timestamp(changed.statusChangedAt()))
                .build();
    }

    /** AgentLost: the agent as it was, and as marked lost at {@code lostAt} after {@code lostAfter} of silence. */
    public static Message lost(Agent before, Agent lost, Duration lostAfter, Instant lostAt) {
        return AgentLost.newBuilder()
                .setAgentId(lost.id().toString())
                .setPreviousStatus(AgentStateProtos.toProto(before.status()))
                .setVersion(lost.version())
                .setLostAfterMillis(lostAfter.toMillis())
                .setLostAt(AgentStateProtos.timestamp(lostAt))
                .build();
    }

    /** CheckpointSaved: a new checkpoint, its parent being its thread's latest before it (none for a new thread). */
    public static Message checkpointSaved(CheckpointSummary saved) {
        return saved(saved).build();
    }

    /** CheckpointSaved for a fork's first checkpoint, which names its source as parent and as fork origin. */
    public static Message threadForked(CheckpointSummary first, CheckpointId source) {
        return saved(first).setForkedFromCheckpointId(source.toString()).build();
    }

    private static CheckpointSaved.Builder saved(CheckpointSummary checkpoint) {
        return CheckpointSaved.newBuilder()
                .setAgentId(checkpoint.agentId().toString())
                .setThreadId(checkpoint.threadId().toString())
                .setCheckpointId(checkpoint.id().toString())
                .setParentId(checkpoint.parentId().map(CheckpointId::toString).orElse(""))
                .setVersion(checkpoint.version())
                .setStateBytes(checkpoint.stateBytes());
    }
}
