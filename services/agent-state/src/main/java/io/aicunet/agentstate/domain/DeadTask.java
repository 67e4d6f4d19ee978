package io.aicunet.agentstate.domain;

import java.util.Objects;

/** A task that used up its retries, as its queue's dead-letter stream keeps it. */
public record DeadTask(String id, String taskId, String payloadJson, long deliveries, String reason) {

    public DeadTask {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(payloadJson, "payloadJson");
        Objects.requireNonNull(reason, "reason");
    }
}
