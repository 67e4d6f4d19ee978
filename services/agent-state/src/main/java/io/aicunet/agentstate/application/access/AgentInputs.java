package io.aicunet.agentstate.application.access;

import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.List;
import java.util.Optional;

/** Parses the ids of a request, naming each field that is not one. */
public final class AgentInputs {

    private AgentInputs() {
    }

    public static Optional<AgentId> agentId(String text, List<FieldViolation> violations) {
        Optional<AgentId> id = AgentId.parse(text);
        if (id.isEmpty()) {
            violations.add(new FieldViolation("agent_id", "must be a UUID"));
        }
        return id;
    }

    public static Optional<ThreadId> threadId(String field, String text, List<FieldViolation> violations) {
        Optional<ThreadId> id = ThreadId.parse(text);
        if (id.isEmpty()) {
            violations.add(new FieldViolation(field, "must be a UUID"));
        }
        return id;
    }

    public static Optional<CheckpointId> checkpointId(String text, List<FieldViolation> violations) {
        Optional<CheckpointId> id = CheckpointId.parse(text);
        if (id.isEmpty()) {
            violations.add(new FieldViolation("checkpoint_id", "must be a UUID"));
        }
        return id;
    }
}
