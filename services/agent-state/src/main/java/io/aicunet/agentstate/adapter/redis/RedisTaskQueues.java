package io.aicunet.agentstate.adapter.redis;

import io.aicunet.agentstate.application.port.TaskQueues;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.DeadTask;
import io.aicunet.agentstate.domain.Task;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Task queues as Redis streams with the consumer group {@value #GROUP}, and a
 * dead-letter stream per queue. Each operation is one Lua script, so it is atomic:
 * a task is never both handed out and dead-lettered, never acknowledged by a consumer
 * that lost it. Acknowledged tasks are deleted, so a stream's length is what is still
 * to do; a queue left empty is deleted; every write refreshes the queue's TTL.
 *
 * <p>The tenant's queues are counted in a sorted set ({@link RedisKeys#queues}): each
 * queue name scored with the time, on the Redis clock, until which its stream or its
 * dead-letter stream lives. Creating a queue counts the live names and refuses beyond
 * {@code agent-state.tasks.queues-per-tenant-max} in the same script, so the bound holds
 * across every replica; a queue that exists is never refused. A queue stops counting
 * when its last task is acknowledged (and it has no dead letters) or when its streams
 * expire.
 *
 * <p>Enqueue and acknowledgement wait for {@code agent-state.redis.wait-replicas} replicas
 * before they are acknowledged, so a master's failover loses neither an acknowledged task
 * nor an acknowledged completion. Claim and fail do not: a claim lost in a failover is
 * handed out again after the claim timeout, a failure lost is retried the same way, and
 * a task's consumer must be idempotent in any case (docs/redis-durability.md).
 */
@ApplicationScoped
public class RedisTaskQueues implements TaskQueues {

    static final String GROUP = "workers";

    /** The field of the task-bytes hash that holds the tenant's total; no queue name has a '*'. */
    static final String TOTAL_FIELD = "*total";

    /** Redis's clock in milliseconds: the one clock every replica's scripts agree on. */
    private static final String NOW_MILLIS = """
            local function now_millis()
              local time = redis.call('TIME')
              return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            end
            """;

    /**
     * Records in the tenant's count of queues that queue {@code name} lives until now + ttl
     * (every write of a queue or its dead-letter stream sets that TTL), and keeps the count
     * itself at least as long as any queue it counts.
     */
    private static final String COUNT_QUEUE = """
            local function count_queue(index, name, ttl)
              redis.call('ZADD', index, now_millis() + tonumber(ttl), name)
              redis.call('PEXPIRE', index, ttl)
              redis.call('PEXPIRE', KEYS[4], ttl)
            end
            """;

    /**
     * The bytes of the tenant's task payloads (KEYS[4], a hash: a field per queue, the
     * total in {@value #TOTAL_FIELD}): added on enqueue, taken off on acknowledgement and
     * when a queue stops counting (emptied, or expired). A decrease never goes below what
     * the queue's field holds, so queues from before the count (none counted) stay at 0.
     */
    private static final String COUNT_BYTES = """
            local function count_bytes(bytes, name, delta)
              if delta > 0 then
                redis.call('HINCRBY', bytes, name, delta)
                redis.call('HINCRBY', bytes, '*total', delta)
              elseif delta < 0 then
                local take = math.min(tonumber(redis.call('HGET', bytes, name) or '0'), -delta)
                if take > 0 then
                  redis.call('HINCRBY', bytes, name, -take)
                  redis.call('HINCRBY', bytes, '*total', -take)
                end
              end
            end
            local function forget_queue_bytes(bytes, name)
              count_bytes(bytes, name, -tonumber(redis.call('HGET', bytes, name) or '0'))
              redis.call('HDEL', bytes, name)
            end
            local function payload_bytes(queue, id)
              local entry = redis.call('XRANGE', queue, id, id)
              if entry[1] then
                local fields = entry[1][2]
                for i = 1, #fields, 2 do
                  if fields[i] == 'payload' then return string.len(fields[i + 1]) end
                end
              end
              return 0
            end
            """;

    /** Drops the queues whose streams expired from the tenant's count of queues and of bytes. */
    private static final String FORGET_EXPIRED = """
            local function forget_expired(index, bytes)
              local now = now_millis()
              local gone = redis.call('ZRANGEBYSCORE', index, '-inf', now)
              for _, name in ipairs(gone) do
                forget_queue_bytes(bytes, name)
              end
              if #gone > 0 then
                redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
              end
            end
            """;

    /** Deletes an empty queue; it stops counting unless its dead-letter stream still holds tasks. */
    private static final String DROP_IF_EMPTY = """
            local function drop_if_empty(queue, dead, index, name)
              if redis.call('XLEN', queue) == 0 then
                redis.call('DEL', queue)
                if redis.call('EXISTS', dead) == 0 then
                  redis.call('ZREM', index, name)
                  forget_queue_bytes(KEYS[4], name)
                end
              end
            end
            """;

    /**
     * Appends payload ARGV[2] unless the queue holds ARGV[3] tasks; creates queue and group
     * on first use unless the tenant already has ARGV[6] live queues (names in KEYS[3] whose
     * streams have not expired; a queue that is counted, or holds dead letters, exists and
     * is never refused); refuses a payload that would make the tenant's task bytes (KEYS[4])
     * more than ARGV[7], its storage quota. Returns {1, task id}, {0} when the queue is
     * full, {-1, live queues} when it would be one queue too many, or {-2, task bytes}
     * when it would pass the quota.
     */
    private static final RedisScript ENQUEUE = RedisScript.of("task enqueue", NOW_MILLIS + COUNT_QUEUE + COUNT_BYTES
            + FORGET_EXPIRED + """
            forget_expired(KEYS[3], KEYS[4])
            local exists = redis.call('EXISTS', KEYS[1]) == 1
            if not exists then
              if not redis.call('ZSCORE', KEYS[3], ARGV[5]) and redis.call('EXISTS', KEYS[2]) == 0 then
                local queues = redis.call('ZCARD', KEYS[3])
                if queues >= tonumber(ARGV[6]) then
                  return {-1, queues}
                end
              end
            elseif redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[3]) then
              return {0}
            end
            local size = string.len(ARGV[2])
            local stored = tonumber(redis.call('HGET', KEYS[4], '*total') or '0')
            if stored + size > tonumber(ARGV[7]) then
              return {-2, stored}
            end
            if not exists then
              redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
            end
            local id = redis.call('XADD', KEYS[1], '*', 'payload', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            count_bytes(KEYS[4], ARGV[5], size)
            count_queue(KEYS[3], ARGV[5], ARGV[4])
            return {1, id}
            """);

    /**
     * Reclaims up to ARGV[4] tasks idle for ARGV[3] ms for consumer ARGV[2], dead-letters
     * those now handed out more than ARGV[5] times, and fills up with new tasks; a queue
     * left empty is deleted. Returns a flat list: id, payload, deliveries, id, payload,
     * deliveries, ...
     */
    private static final RedisScript CLAIM = RedisScript.of("task claim", NOW_MILLIS + COUNT_QUEUE + COUNT_BYTES
            + DROP_IF_EMPTY
            + """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return {}
            end
            local function payload_of(fields)
              for i = 1, #fields, 2 do
                if fields[i] == 'payload' then return fields[i + 1] end
              end
              return ''
            end
            local out = {}
            local wanted = tonumber(ARGV[4])
            local reclaimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', wanted)
            for _, entry in ipairs(reclaimed[2]) do
              local id = entry[1]
              local payload = payload_of(entry[2])
              local deliveries = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)[1][4]
              if deliveries > tonumber(ARGV[5]) then
                redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'task_id', id, 'payload', payload,
                  'deliveries', deliveries - 1, 'reason', 'its consumers stopped answering ' .. (deliveries - 1) .. ' times')
                redis.call('PEXPIRE', KEYS[2], ARGV[7])
                redis.call('XACK', KEYS[1], ARGV[1], id)
                redis.call('XDEL', KEYS[1], id)
              else
                table.insert(out, id)
                table.insert(out, payload)
                table.insert(out, deliveries)
              end
            end
            local missing = wanted - #out / 3
            if missing > 0 then
              local fresh = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', missing, 'STREAMS', KEYS[1], '>')
              if fresh then
                for _, entry in ipairs(fresh[1][2]) do
                  table.insert(out, entry[1])
                  table.insert(out, payload_of(entry[2]))
                  table.insert(out, 1)
                end
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[7])
            count_queue(KEYS[3], ARGV[8], ARGV[7])
            drop_if_empty(KEYS[1], KEYS[2], KEYS[3], ARGV[8])
            return out
            """);

    /**
     * Acknowledges and deletes task ARGV[2] if consumer ARGV[3] holds it, and the queue with
     * it when it was the last: 1 done, 0 not pending, -1 held by another.
     */
    private static final RedisScript ACK = RedisScript.of("task ack", COUNT_BYTES + DROP_IF_EMPTY + """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return 0
            end
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
            if #pending == 0 then
              return 0
            end
            if pending[1][2] ~= ARGV[3] then
              return -1
            end
            count_bytes(KEYS[4], ARGV[4], -payload_bytes(KEYS[1], ARGV[2]))
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            drop_if_empty(KEYS[1], KEYS[2], KEYS[3], ARGV[4])
            return 1
            """);

    /**
     * Gives task ARGV[2] of consumer ARGV[3] back: dead-letters it (2) when it was handed
     * out ARGV[4] times (deleting the queue if that was its last task), else makes it
     * reclaimable at once (1); 0 not pending, -1 held by another.
     */
    private static final RedisScript FAIL = RedisScript.of("task fail", NOW_MILLIS + COUNT_QUEUE + COUNT_BYTES
            + DROP_IF_EMPTY
            + """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return 0
            end
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
            if #pending == 0 then
              return 0
            end
            if pending[1][2] ~= ARGV[3] then
              return -1
            end
            local deliveries = pending[1][4]
            if deliveries >= tonumber(ARGV[4]) then
              local entry = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
              local payload = ''
              if entry[1] then
                local fields = entry[1][2]
                for i = 1, #fields, 2 do
                  if fields[i] == 'payload' then payload = fields[i + 1] end
                end
              end
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'task_id', ARGV[2], 'payload', payload,
                'deliveries', deliveries, 'reason', ARGV[5])
              redis.call('PEXPIRE', KEYS[2], ARGV[7])
              redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
              redis.call('XDEL', KEYS[1], ARGV[2])
              count_queue(KEYS[3], ARGV[9], ARGV[7])
              drop_if_empty(KEYS[1], KEYS[2], KEYS[3], ARGV[9])
              return 2
            end
            redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'IDLE', ARGV[8], 'JUSTID')
            return 1
            """);

    private final RedisCommands redis;
    private final AgentStateServiceConfig.Tasks config;

    public RedisTaskQueues(RedisCommands redis, AgentStateServiceConfig config) {
        this.redis = redis;
        this.config = config.tasks();
    }

    @Override
    public Uni<Enqueued> enqueue(TenantId tenant, String queue, String payload, long storageBytesMax) {
        return redis.evalReplicated(ENQUEUE, keys(tenant, queue), GROUP, payload, config.queueLengthMax(),
                        config.queueTtlMillis(), queue, config.queuesPerTenantMax(), storageBytesMax)
                .map(reply -> switch (reply.get(0).toInteger()) {
                    case 1 -> new Enqueued.Added(reply.get(1).toString());
                    case 0 -> new Enqueued.QueueFull(config.queueLengthMax());
                    case -1 -> new Enqueued.QueuesAtMaximum(config.queuesPerTenantMax(), reply.get(1).toLong());
                    case -2 -> new Enqueued.OverStorageQuota(storageBytesMax, reply.get(1).toLong(),
                            payload.length());
                    default -> throw new IllegalStateException("the enqueue script answered " + reply);
                });
    }

    @Override
    public Uni<List<Task>> claim(TenantId tenant, String queue, String consumer, int count) {
        return redis.eval(CLAIM, keys(tenant, queue), GROUP, consumer, config.claimTimeoutMillis(), count,
                        config.deliveriesMax(), config.deadLetterLengthMax(), config.queueTtlMillis(), queue)
                .map(reply -> {
                    List<Task> tasks = new ArrayList<>();
                    for (int i = 0; reply != null && i + 2 < reply.size(); i += 3) {
                        tasks.add(new Task(reply.get(i).toString(), reply.get(i + 1).toString(),
                                reply.get(i + 2).toLong()));
                    }
                    return tasks;
                });
    }

    @Override
    public Uni<Outcome> ack(TenantId tenant, String queue, String taskId, String consumer) {
        return redis.evalReplicated(ACK, keys(tenant, queue), GROUP, taskId, consumer, queue)
                .map(RedisTaskQueues::outcome);
    }

    @Override
    public Uni<Outcome> fail(TenantId tenant, String queue, String taskId, String consumer, String reason) {
        return redis.eval(FAIL, keys(tenant, queue), GROUP, taskId, consumer, config.deliveriesMax(),
                        reason.isEmpty() ? "failed by its consumer" : reason, config.deadLetterLengthMax(),
                        config.queueTtlMillis(), config.claimTimeoutMillis(), queue)
                .map(RedisTaskQueues::outcome);
    }

    @Override
    public Uni<List<DeadTask>> dead(TenantId tenant, String queue, int limit) {
        return redis.send(Command.XRANGE, RedisKeys.deadLetters(tenant, queue), "-", "+", "COUNT", limit)
                .map(reply -> {
                    List<DeadTask> tasks = new ArrayList<>();
                    for (int i = 0; reply != null && i < reply.size(); i++) {
                        Response entry = reply.get(i);
                        Response fields = entry.get(1);
                        String taskId = "";
                        String payload = "";
                        long deliveries = 0;
                        String reason = "";
                        for (int f = 0; f + 1 < fields.size(); f += 2) {
                            String value = fields.get(f + 1).toString();
                            switch (fields.get(f).toString()) {
                                case "task_id" -> taskId = value;
                                case "payload" -> payload = value;
                                case "deliveries" -> deliveries = Long.parseLong(value);
                                case "reason" -> reason = value;
                                default -> {
                                    // a field of a later version: ignored
                                }
                            }
                        }
                        tasks.add(new DeadTask(entry.get(0).toString(), taskId, payload, deliveries, reason));
                    }
                    return tasks;
                });
    }

    /**
     * The queue, its dead-letter stream, the tenant's count of queues and of task bytes:
     * one cluster slot (the tenant's hash tag).
     */
    private static List<String> keys(TenantId tenant, String queue) {
        return List.of(RedisKeys.queue(tenant, queue), RedisKeys.deadLetters(tenant, queue), RedisKeys.queues(tenant),
                RedisKeys.taskBytes(tenant));
    }

    private static Outcome outcome(Response reply) {
        long code = reply.toLong();
        if (code == 2) {
            return Outcome.DEAD_LETTERED;
        }
        if (code == 1) {
            return Outcome.DONE;
        }
        return code == 0 ? Outcome.NOT_PENDING : Outcome.HELD_BY_OTHER;
    }
}
