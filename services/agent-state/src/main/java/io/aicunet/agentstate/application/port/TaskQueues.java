package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.domain.DeadTask;
import io.aicunet.agentstate.domain.Task;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Task queues as Redis streams with one consumer group each, and a dead-letter stream
 * per queue. Fails with {@link HotState.UnavailableException} without Redis.
 */
public interface TaskQueues extends HotState {

    /** What acknowledging or failing a task found. */
    enum Outcome {
        /** Done as asked. */
        DONE,
        /** Failed for the last allowed time: moved to the dead-letter stream. */
        DEAD_LETTERED,
        /** The task is not pending: unknown, or already acknowledged. */
        NOT_PENDING,
        /** Another consumer holds the task now (it was reclaimed). */
        HELD_BY_OTHER
    }

    /** What an enqueue did. */
    sealed interface Enqueued {

        /** The task was appended (and the queue created, if it did not exist). */
        record Added(String taskId) implements Enqueued {
        }

        /** The queue holds its maximum of tasks; nothing was appended. */
        record QueueFull(int tasksMax) implements Enqueued {
        }

        /**
         * The queue does not exist and the tenant has {@code queues} live queues, at least
         * its maximum: nothing was created.
         */
        record QueuesAtMaximum(int queuesMax, long queues) implements Enqueued {
        }

        /**
         * The payload ({@code payloadBytes}, as stored) would make the tenant's task payloads
         * more than {@code storageBytesMax}; they are {@code storedBytes} now. Nothing appended.
         */
        record OverStorageQuota(long storageBytesMax, long storedBytes, long payloadBytes) implements Enqueued {
        }
    }

    /**
     * Appends a task, creating the queue on first use unless the tenant already has its
     * maximum of queues, and unless its task payloads would then hold more than
     * {@code storageBytesMax} bytes (both counted on Redis, so across every replica, in the
     * same atomic step).
     */
    Uni<Enqueued> enqueue(TenantId tenant, String queue, String payload, long storageBytesMax);

    /**
     * Up to {@code count} tasks for {@code consumer}: first tasks idle longer than the
     * claim timeout (their consumer went silent), then new ones. Tasks handed out more
     * often than allowed go to the dead-letter stream instead.
     */
    Uni<List<Task>> claim(TenantId tenant, String queue, String consumer, int count);

    Uni<Outcome> ack(TenantId tenant, String queue, String taskId, String consumer);

    /** Gives a task back for another try now, or dead-letters it when it has used up its tries. */
    Uni<Outcome> fail(TenantId tenant, String queue, String taskId, String consumer, String reason);

    /** The oldest {@code limit} dead-lettered tasks. */
    Uni<List<DeadTask>> dead(TenantId tenant, String queue, int limit);
}
