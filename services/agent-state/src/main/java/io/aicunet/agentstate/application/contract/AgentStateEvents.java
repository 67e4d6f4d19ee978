package io.aicunet.agentstate.application;

/** Where the agent-state service announces its changes. */
public final class AgentStateEvents {

    /** Every agent-state event, keyed by tenant id, with the agent id as CloudEvents subject. */
    public static final String TOPIC = "agent-state.agents.v1";

    private AgentStateEvents() {
    }
}
