package io.aicunet.agentstate.application.tasks;

/**
 * What callers ask of task queues, as the gRPC and REST edges hand it over: raw
 * values, not yet validated. Absent text is null or empty, absent numbers 0.
 */
public final class TaskCommands {

    private TaskCommands() {
    }

    public record EnqueueTaskCommand(String queue, String payloadJson) {
    }

    public record ClaimTasksCommand(String queue, String consumer, int count) {
    }

    public record AckTaskCommand(String queue, String taskId, String consumer) {
    }

    public record FailTaskCommand(String queue, String taskId, String consumer, String reason) {
    }

    public record ListDeadTasksQuery(String queue, int pageSize) {
    }
}
