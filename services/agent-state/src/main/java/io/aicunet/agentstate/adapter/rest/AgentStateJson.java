package io.aicunet.agentstate.adapter.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.Checkpoint;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.agentstate.domain.DeadTask;
import io.aicunet.agentstate.domain.RetentionPolicy;
import io.aicunet.agentstate.domain.Task;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON bodies of the REST API, in snake_case like the gRPC contract. States and
 * payloads are JSON documents: they travel as JSON text in strings ({@code state_json})
 * on the way in, exactly as over gRPC, and as JSON values on the way out.
 *
 * <p>The {@code @Schema} of each field says exactly what the use cases accept
 * ({@code AgentStateRules}, the service's settings and the use cases' own checks), so
 * that a request valid by the OpenAPI document is never refused as malformed and one
 * invalid by it always is. Lengths are counted by the service in UTF-16 units, which
 * equals JSON Schema's count of characters outside the supplementary planes.
 */
final class AgentStateJson {

    /**
     * AgentStateRules' printable text: ASCII printable characters, letters, marks, numbers
     * and space separators (no control, format, private-use or unassigned characters).
     */
    static final String PRINTABLE = "^[ -~\\p{L}\\p{M}\\p{N}\\p{Zs}]*$";
    /** {@link #PRINTABLE}, holding at least one character that is not white space ({@code String.isBlank}). */
    static final String PRINTABLE_NOT_BLANK = "^[ -~\\p{L}\\p{M}\\p{N}\\p{Zs}]*[!-~\\p{L}\\p{M}\\p{N}\\u00A0\\u2007\\u202F]"
            + "[ -~\\p{L}\\p{M}\\p{N}\\p{Zs}]*$";
    /** {@link #PRINTABLE_NOT_BLANK} or empty: an optional idempotency key (empty means none). */
    static final String PRINTABLE_NOT_BLANK_OR_EMPTY = "^([ -~\\p{L}\\p{M}\\p{N}\\p{Zs}]*"
            + "[!-~\\p{L}\\p{M}\\p{N}\\u00A0\\u2007\\u202F][ -~\\p{L}\\p{M}\\p{N}\\p{Zs}]*)?$";
    /** A worker (lease holder or queue consumer): AgentStateRules' WORKER. */
    static final String WORKER = "^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$";
    /** A queue name: AgentStateRules' QUEUE. */
    static final String QUEUE = "^[a-z0-9][a-z0-9._-]{0,63}$";
    /**
     * A part of a Redis stream id: 1 to 20 decimal digits worth at most 2^64 - 1
     * (18446744073709551615), which AgentStateRules checks by parsing; spelled out digit by
     * digit, so the OpenAPI document can say it.
     */
    static final String STREAM_ID_PART = "(?:"
            + "[0-9]{1,19}|0[0-9]{19}|1[0-7][0-9]{18}|18[0-3][0-9]{17}|184[0-3][0-9]{16}|"
            + "1844[0-5][0-9]{15}|18446[0-6][0-9]{14}|184467[0-3][0-9]{13}|"
            + "1844674[0-3][0-9]{12}|184467440[0-6][0-9]{10}|1844674407[0-2][0-9]{9}|"
            + "18446744073[0-6][0-9]{8}|1844674407370[0-8][0-9]{6}|18446744073709[0-4][0-9]{5}|"
            + "184467440737095[0-4][0-9]{4}|18446744073709550[0-9]{3}|"
            + "18446744073709551[0-5][0-9]{2}|1844674407370955160[0-9]|"
            + "1844674407370955161[0-4]|18446744073709551615"
            + ")";
    /** A task id as EnqueueTask returns it: a Redis stream id, two parts joined by '-'. */
    static final String TASK_ID = "^" + STREAM_ID_PART + "-" + STREAM_ID_PART + "$";
    /** A UUID, or nothing (the empty string). */
    static final String UUID_OR_EMPTY = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$";
    static final String IDEMPOTENCY_KEY_DESCRIPTION = "1 to 128 printable characters (ASCII printable, letters,"
            + " marks, numbers, spaces), not only spaces.";
    static final String STATE_JSON_DESCRIPTION = "The state as JSON text (any JSON value: object, array, string,"
            + " number, boolean or null), at most 1,048,576 bytes of UTF-8, nested at most 64 levels deep, with no"
            + " duplicate object keys, no NUL character or lone surrogate (raw or escaped), no data after the value"
            + " and no number beyond a double's range or with an exponent beyond +-400. Any other text is refused"
            + " (400, naming `state_json`).";
    static final String PAYLOAD_JSON_DESCRIPTION = "The payload as JSON text (any JSON value), at most 65,536 bytes"
            + " of UTF-8, with the same rules as a checkpoint's `state_json`: nested at most 64 levels deep, no"
            + " duplicate object keys, no NUL character or lone surrogate (raw or escaped), no data after the value"
            + " and no number beyond a double's range or with an exponent beyond +-400.";
    static final String FREE_JSON_DESCRIPTION = "Any JSON value, exactly as it was saved.";

    private AgentStateJson() {
    }

    /** A label key: 1 to 63 lower-case letters, digits and ._/-, starting and ending with a letter or digit. */
    @Schema(name = "LabelKey", type = SchemaType.STRING, pattern = "^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$",
            description = "A label key: 1 to 63 lower-case letters, digits and ._/-, starting and ending with a"
                    + " letter or digit.")
    static final class LabelKey {
        private LabelKey() {
        }
    }

    @Schema(name = "LabelValue", type = SchemaType.STRING, maxLength = 255, pattern = PRINTABLE,
            description = "A label value: at most 255 printable characters (ASCII printable, letters, marks,"
                    + " numbers, spaces).")
    static final class LabelValue {
        private LabelValue() {
        }
    }

    @Schema(name = "MetadataKey", type = SchemaType.STRING, minLength = 1, maxLength = 63, pattern = PRINTABLE,
            description = "A metadata key: 1 to 63 printable characters.")
    static final class MetadataKey {
        private MetadataKey() {
        }
    }

    @Schema(name = "MetadataValue", type = SchemaType.STRING, maxLength = 1024, pattern = PRINTABLE,
            description = "A metadata value: at most 1024 printable characters.")
    static final class MetadataValue {
        private MetadataValue() {
        }
    }

    /** A lease time the service refuses: below the shortest lease but not 0 (which asks for the default). */
    @Schema(name = "LeaseTtlBelowMinimum", type = SchemaType.INTEGER, minimum = "1", maximum = "99",
            description = "1 to 99 ms: shorter than the shortest lease.")
    static final class LeaseTtlBelowMinimum {
        private LeaseTtlBelowMinimum() {
        }
    }

    @Schema(additionalProperties = Schema.False.class, name = "RegisterAgentRequest", description = "An agent to register.")
    record RegisterAgentBody(
            @Schema(required = true, minLength = 1, maxLength = 100, pattern = PRINTABLE_NOT_BLANK,
                    description = "What the agent is, e.g. `research-assistant`: 1 to 100 printable characters,"
                            + " not only spaces.")
            String kind,
            @Schema(maxProperties = 32, propertyNames = LabelKey.class, additionalProperties = LabelValue.class,
                    description = "At most 32 labels.")
            Map<String, String> labels) {
    }

    @Schema(additionalProperties = Schema.False.class, name = "ChangeAgentStatusRequest", description = "The status to move an agent to.")
    record ChangeStatusBody(
            @Schema(required = true, enumeration = {"registered", "idle", "running", "paused", "failed", "completed",
                    "terminated"}, description = "The new status; only legal transitions are made (409"
                    + " illegal-status-transition otherwise); `lost` is set by the service alone.")
            String status,
            @JsonProperty("expected_version")
            @Schema(minimum = "1", description = "Move only if the agent is at this version (409 version-conflict"
                    + " otherwise).")
            Long expectedVersion,
            @JsonProperty("fencing_token")
            @Schema(minimum = "0", description = "Move only as the newest lease holder: the token ClaimLease returned"
                    + " (409 stale-fencing-token for an older one); 0 or absent: no check.")
            Long fencingToken,
            @Schema(maxLength = 500, pattern = PRINTABLE, description = "Why, for the record: at most 500 printable"
                    + " characters.")
            String reason) {
    }

    @Schema(additionalProperties = Schema.False.class, name = "ClaimLeaseRequest", description = "A worker's claim of an agent's lease.")
    record ClaimLeaseBody(
            @JsonProperty("worker_id")
            @Schema(required = true, pattern = WORKER, description = "The worker claiming: 1 to 200 letters, digits"
                    + " and ._:@/-, starting with a letter or digit.")
            String workerId,
            @JsonProperty("ttl_millis")
            @Schema(minimum = "0", maximum = "600000", not = LeaseTtlBelowMinimum.class,
                    description = "How long the lease lasts: 100 to 600000 ms; 0 or absent: 30000.")
            Long ttlMillis) {
    }

    @Schema(additionalProperties = Schema.False.class, name = "RenewLeaseRequest", description = "The lease holder's renewal.")
    record RenewLeaseBody(
            @JsonProperty("worker_id")
            @Schema(required = true, pattern = WORKER, description = "The worker holding the lease.")
            String workerId,
            @JsonProperty("fencing_token")
            @Schema(required = true, minimum = "1", description = "The token ClaimLease returned.")
            Long fencingToken,
            @JsonProperty("ttl_millis")
            @Schema(minimum = "0", maximum = "600000", not = LeaseTtlBelowMinimum.class,
                    description = "How long the lease lasts from now: 100 to 600000 ms; 0 or absent: 30000.")
            Long ttlMillis) {
    }

    @Schema(additionalProperties = Schema.False.class, name = "SaveCheckpointRequest", description = "A thread's next checkpoint.")
    record SaveCheckpointBody(
            @JsonProperty("expected_version")
            @Schema(minimum = "0", description = "The thread's current version; 0 or absent starts a new thread"
                    + " (409 version-conflict, with `current_version`, when the thread is elsewhere).")
            Long expectedVersion,
            @JsonProperty("state_json")
            @Schema(required = true, minLength = 1, contentMediaType = "application/json",
                    description = STATE_JSON_DESCRIPTION)
            String stateJson,
            @Schema(maxProperties = 32, propertyNames = MetadataKey.class, additionalProperties = MetadataValue.class,
                    description = "At most 32 entries.")
            Map<String, String> metadata,
            @JsonProperty("fencing_token")
            @Schema(minimum = "0", description = "Save only as the agent's newest lease holder (409"
                    + " stale-fencing-token otherwise); 0 or absent: no check.")
            Long fencingToken) {
    }

    @Schema(additionalProperties = Schema.False.class, name = "ForkThreadRequest", description = "Where the fork goes.")
    record ForkThreadBody(
            @JsonProperty("new_thread_id")
            @Schema(pattern = UUID_OR_EMPTY, description = "The new thread's id (a UUID); empty or absent: a new"
                    + " random one. 409 thread-id-taken when it exists.")
            String newThreadId) {
    }

    @Schema(additionalProperties = Schema.False.class, name = "EnqueueTaskRequest", description = "A task to append.")
    record EnqueueTaskBody(
            @JsonProperty("payload_json")
            @Schema(required = true, minLength = 1, contentMediaType = "application/json",
                    description = PAYLOAD_JSON_DESCRIPTION)
            String payloadJson) {
    }

    @Schema(additionalProperties = Schema.False.class, name = "ClaimTasksRequest", description = "A consumer's claim of tasks.")
    record ClaimTasksBody(
            @Schema(required = true, pattern = WORKER, description = "The consumer: 1 to 200 letters, digits and"
                    + " ._:@/-, starting with a letter or digit.")
            String consumer,
            @Schema(minimum = "0", maximum = "100", description = "How many tasks at most: 1 to 100; 0 or absent: 1.")
            Integer count) {
    }

    @Schema(additionalProperties = Schema.False.class, name = "ConsumerRequest", description = "The consumer holding the task.")
    record ConsumerBody(
            @Schema(required = true, pattern = WORKER, description = "The consumer that claimed the task.")
            String consumer,
            @Schema(maxLength = 500, pattern = PRINTABLE, description = "Why the task failed: at most 500 printable"
                    + " characters (kept with a dead-lettered task). Ignored by ack.")
            String reason) {
    }

    @Schema(additionalProperties = Schema.False.class, name = "SetRetentionPolicyRequest", description = "A tenant's retention of checkpoints.")
    record SetRetentionPolicyBody(
            @JsonProperty("tenant_id")
            @Schema(description = "Ignored: the path names the tenant. Accepted so that a policy read can be"
                    + " written back as it is.")
            String tenantId,
            @JsonProperty("keep_last_checkpoints")
            @Schema(required = true, minimum = "1", maximum = "100000", description = "How many newest checkpoints"
                    + " each thread keeps: 1 to 100000 (a thread always keeps its latest).")
            Integer keepLastCheckpoints,
            @JsonProperty("idle_thread_ttl_seconds")
            @Schema(minimum = "0", maximum = "316224000", description = "After how many seconds without a save a"
                    + " thread is deleted: 0 or absent keeps idle threads; at most 316224000 (10 years).")
            Long idleThreadTtlSeconds) {
    }

    @Schema(name = "RetentionPolicy", description = "A tenant's retention of checkpoints.")
    record RetentionPolicyBody(
            @JsonProperty("tenant_id")
            @Schema(required = true, format = "uuid", description = "The tenant.")
            String tenantId,
            @JsonProperty("keep_last_checkpoints")
            @Schema(required = true, minimum = "1", description = "How many newest checkpoints each thread keeps.")
            int keepLastCheckpoints,
            @JsonProperty("idle_thread_ttl_seconds")
            @Schema(required = true, minimum = "0", description = "After how many seconds without a save a thread is"
                    + " deleted; 0: never.")
            long idleThreadTtlSeconds) {

        static RetentionPolicyBody of(RetentionPolicy policy) {
            return new RetentionPolicyBody(policy.tenant().toString(), policy.keepLastCheckpoints(),
                    policy.idleThreadTtlSeconds());
        }
    }

    @Schema(name = "Agent", description = "An agent.")
    record AgentBody(
            @Schema(required = true, format = "uuid") String id,
            @Schema(required = true) String kind,
            @Schema(required = true, additionalProperties = String.class) Map<String, String> labels,
            @Schema(required = true, enumeration = {"registered", "idle", "running", "paused", "failed", "completed",
                    "terminated", "lost"}) String status,
            @Schema(required = true, description = "The subject that registered the agent; empty when unknown.")
            String owner,
            @Schema(required = true, minimum = "1", description = "Grows with every change of status.") long version,
            @JsonProperty("created_at") @Schema(required = true) Instant createdAt,
            @JsonProperty("status_changed_at") @Schema(required = true) Instant statusChangedAt) {

        static AgentBody of(Agent agent) {
            return new AgentBody(agent.id().toString(), agent.kind(), agent.labels(), agent.status().wireName(),
                    agent.owner().orElse(""), agent.version(), agent.createdAt(), agent.statusChangedAt());
        }
    }

    @Schema(name = "RegisteredAgent", description = "The registered agent, and whether this was a retry.")
    record RegisteredBody(
            @Schema(required = true) AgentBody agent,
            @Schema(required = true, description = "True when the Idempotency-Key was used before: the first"
                    + " result.") boolean replayed) {
    }

    @Schema(name = "Lease", description = "A lease on an agent.")
    record LeaseBody(
            @JsonProperty("fencing_token") @Schema(required = true, minimum = "1",
                    description = "Grows with every claim; pass it with writes as the lease holder.") long fencingToken,
            @JsonProperty("expires_at") @Schema(required = true) Instant expiresAt) {
    }

    @Schema(name = "Heartbeat", description = "A recorded heartbeat.")
    record HeartbeatBody(
            @JsonProperty("lost_after_millis") @Schema(required = true, minimum = "0",
                    description = "Silence after which the agent is marked lost.") long lostAfterMillis) {
    }

    @Schema(name = "CheckpointSummary", description = "A checkpoint without its state.")
    record CheckpointSummaryBody(
            @Schema(required = true, format = "uuid") String id,
            @JsonProperty("agent_id") @Schema(required = true, format = "uuid") String agentId,
            @JsonProperty("thread_id") @Schema(required = true, format = "uuid") String threadId,
            @JsonProperty("parent_id") @Schema(required = true, pattern = UUID_OR_EMPTY,
                    description = "The checkpoint this one follows; empty for a thread's first.") String parentId,
            @Schema(required = true, minimum = "1") long version,
            @JsonProperty("state_bytes") @Schema(required = true, minimum = "1",
                    description = "The state's size in UTF-8 bytes of its JSON text.") long stateBytes,
            @Schema(required = true, additionalProperties = String.class) Map<String, String> metadata,
            @JsonProperty("created_at") @Schema(required = true) Instant createdAt) {

        static CheckpointSummaryBody of(CheckpointSummary summary) {
            return new CheckpointSummaryBody(summary.id().toString(), summary.agentId().toString(),
                    summary.threadId().toString(), summary.parentId().map(CheckpointId::toString).orElse(""),
                    summary.version(), summary.stateBytes(), summary.metadata(), summary.createdAt());
        }
    }

    /** A checkpoint with its state embedded as JSON (not as a string), for readers. */
    @Schema(name = "Checkpoint", description = "A checkpoint with its state.")
    record CheckpointBody(
            @Schema(required = true, format = "uuid") String id,
            @JsonProperty("agent_id") @Schema(required = true, format = "uuid") String agentId,
            @JsonProperty("thread_id") @Schema(required = true, format = "uuid") String threadId,
            @JsonProperty("parent_id") @Schema(required = true, pattern = UUID_OR_EMPTY,
                    description = "The checkpoint this one follows; empty for a thread's first.") String parentId,
            @Schema(required = true, minimum = "1") long version,
            @JsonRawValue @Schema(required = true, implementation = Schema.True.class,
                    description = FREE_JSON_DESCRIPTION) String state,
            @JsonProperty("state_bytes") @Schema(required = true, minimum = "1") long stateBytes,
            @Schema(required = true, additionalProperties = String.class) Map<String, String> metadata,
            @JsonProperty("created_at") @Schema(required = true) Instant createdAt) {

        static CheckpointBody of(Checkpoint checkpoint) {
            return new CheckpointBody(checkpoint.id().toString(), checkpoint.agentId().toString(),
                    checkpoint.threadId().toString(), checkpoint.parentId().map(CheckpointId::toString).orElse(""),
                    checkpoint.version(), checkpoint.stateJson(), checkpoint.stateBytes(), checkpoint.metadata(),
                    checkpoint.createdAt());
        }
    }

    @Schema(name = "SavedCheckpoint", description = "The saved checkpoint, and whether this was a retry.")
    record SavedBody(
            @Schema(required = true) CheckpointSummaryBody checkpoint,
            @Schema(required = true, description = "True when the Idempotency-Key was used before: the first"
                    + " result.") boolean replayed) {
    }

    @Schema(name = "CheckpointPage", description = "A page of a thread's history, newest first.")
    record CheckpointPageBody(
            @Schema(required = true) List<CheckpointSummaryBody> checkpoints,
            @JsonProperty("next_page_token") @Schema(required = true,
                    description = "Pass as page_token for the next page; empty on the last.") String nextPageToken) {
    }

    @Schema(name = "Task", description = "A claimed task.")
    record TaskBody(
            @Schema(required = true, pattern = TASK_ID) String id,
            @JsonRawValue @Schema(required = true, implementation = Schema.True.class,
                    description = FREE_JSON_DESCRIPTION) String payload,
            @Schema(required = true, minimum = "1", description = "How often it was handed out.") long deliveries) {

        static TaskBody of(Task task) {
            return new TaskBody(task.id(), task.payloadJson(), task.deliveries());
        }
    }

    @Schema(name = "DeadTask", description = "A task that ran out of tries.")
    record DeadTaskBody(
            @Schema(required = true, pattern = TASK_ID, description = "Its id in the dead-letter stream.") String id,
            @JsonProperty("task_id") @Schema(required = true, pattern = TASK_ID,
                    description = "Its id in the queue.") String taskId,
            @JsonRawValue @Schema(required = true, implementation = Schema.True.class,
                    description = FREE_JSON_DESCRIPTION) String payload,
            @Schema(required = true, minimum = "0") long deliveries,
            @Schema(required = true, description = "The last failure's reason.") String reason) {

        static DeadTaskBody of(DeadTask task) {
            return new DeadTaskBody(task.id(), task.taskId(), task.payloadJson(), task.deliveries(), task.reason());
        }
    }

    @Schema(name = "EnqueuedTask", description = "The id of the appended task.")
    record TaskIdBody(@JsonProperty("task_id") @Schema(required = true, pattern = TASK_ID) String taskId) {
    }

    @Schema(name = "FailedTask", description = "What became of a failed task.")
    record DeadLetteredBody(
            @JsonProperty("dead_lettered") @Schema(required = true, description = "True when it ran out of tries"
                    + " and went to the dead-letter stream; false when it waits for another try.") boolean deadLettered) {
    }

    @Schema(name = "Erasure", description = "How far the erasure of a tenant's data got.")
    record ErasureBody(
            @Schema(required = true, description = "True when nothing is left.") boolean complete,
            @JsonProperty("rows_deleted") @Schema(required = true, minimum = "0") long rowsDeleted) {
    }

    static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
