package io.aicunet.agentstate.adapter.redis;

import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.tenancy.TenantId;

/**
 * The service's Redis keys: {@code t:{<tenant>}:agent-state:...}. The hash tag keeps
 * all of a tenant's keys in one cluster slot, so scripts may touch several of them.
 */
final class RedisKeys {

    private RedisKeys() {
    }

    static String prefix(TenantId tenant) {
        return "t:{" + tenant + "}:agent-state:";
    }

    /** Every key of the tenant, as a SCAN pattern (braces are no pattern characters). */
    static String pattern(TenantId tenant) {
        return prefix(tenant) + "*";
    }

    /** Hash: the thread's latest checkpoint, its version and the writers' fence. */
    static String latestCheckpoint(TenantId tenant, ThreadId thread) {
        return prefix(tenant) + "thread:" + thread + ":latest";
    }

    /** String with a TTL: the agent's last heartbeat. */
    static String heartbeat(TenantId tenant, AgentId agent) {
        return prefix(tenant) + "agent:" + agent + ":heartbeat";
    }

    /** String with a TTL: "<fencing token> <worker>" of the lease holder. */
    static String lease(TenantId tenant, AgentId agent) {
        return prefix(tenant) + "agent:" + agent + ":lease";
    }

    /** Stream with the consumer group {@value RedisTaskQueues#GROUP}: the queue's tasks. */
    static String queue(TenantId tenant, String queue) {
        return prefix(tenant) + "queue:" + queue;
    }

    /**
     * Sorted set with a TTL: the tenant's queue names, each scored with the time (ms on the
     * Redis clock) until which the queue's stream or dead-letter stream lives; counts the
     * tenant's queues against {@code agent-state.tasks.queues-per-tenant-max}.
     */
    static String queues(TenantId tenant) {
        return prefix(tenant) + "queues";
    }

    /**
     * Hash: the bytes of the tenant's task payloads, per queue (its stream and its
     * dead-letter stream) and in all (field {@value RedisTaskQueues#TOTAL_FIELD}), counted
     * against its storage quota; it lives as long as the queue count does.
     */
    static String taskBytes(TenantId tenant) {
        return prefix(tenant) + "task-bytes";
    }

    /** Stream: the queue's dead-lettered tasks. */
    static String deadLetters(TenantId tenant, String queue) {
        return prefix(tenant) + "queue:" + queue + ":dead";
    }
}
