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
import java.util.Optional;

/**
 * Task queues as Redis streams with the consumer group {@value #GROUP}, and a
 * dead-letter stream per queue. Each operation is one Lua script, so it is atomic:
 * a task is never both handed out and dead-lettered, never acknowledged by a consumer
 * that lost it. Acknowledged tasks are deleted, so a stream's length is what is still
 * to do; every write refreshes the queue's TTL.
 */
@ApplicationScoped
public class RedisTaskQueues implements TaskQueues {

    static final String GROUP = "workers";

    /** Appends payload ARGV[2] unless the queue holds ARGV[3] tasks; creates queue and group on first use. */
    private static final RedisScript ENQUEUE = RedisScript.of("task enqueue", """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
            elseif redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[3]) then
              return false
            end
            local id = redis.call('XADD', KEYS[1], '*', 'payload', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return id
            """);

    /**
     * Reclaims up to ARGV[4] tasks idle for ARGV[3] ms for consumer ARGV[2], dead-letters
     * those now handed out more than ARGV[5] times, and fills up with new tasks. Returns
     * a flat list: id, payload, deliveries, id, payload, deliveries, ...
     */
    private static final RedisScript CLAIM = RedisScript.of("task claim", """
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
            return out
            """);

    /** Acknowledges and deletes task ARGV[2] if consumer ARGV[3] holds it: 1 done, 0 not pending, -1 held by another. */
    private static final RedisScript ACK = RedisScript.of("task ack", """
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
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            return 1
            """);

    /**
     * Gives task ARGV[2] of consumer ARGV[3] back: dead-letters it (2) when it was handed
     * out ARGV[4] times, else makes it reclaimable at once (1); 0 not pending, -1 held by another.
     */
    private static final RedisScript FAIL = RedisScript.of("task fail", """
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
    public Uni<Optional<String>> enqueue(TenantId tenant, String queue, String payloadJson) {
        return redis.eval(ENQUEUE, List.of(RedisKeys.queue(tenant, queue)), GROUP, payloadJson,
                        config.queueLengthMax(), config.queueTtlMillis())
                .map(reply -> reply == null ? Optional.empty() : Optional.of(reply.toString()));
    }

    @Override
    public Uni<List<Task>> claim(TenantId tenant, String queue, String consumer, int count) {
        return redis.eval(CLAIM, List.of(RedisKeys.queue(tenant, queue), RedisKeys.deadLetters(tenant, queue)),
                        GROUP, consumer, config.claimTimeoutMillis(), count, config.deliveriesMax(),
                        config.deadLetterLengthMax(), config.queueTtlMillis())
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
        return redis.eval(ACK, List.of(RedisKeys.queue(tenant, queue)), GROUP, taskId, consumer)
                .map(RedisTaskQueues::outcome);
    }

    @Override
    public Uni<Outcome> fail(TenantId tenant, String queue, String taskId, String consumer, String reason) {
        return redis.eval(FAIL, List.of(RedisKeys.queue(tenant, queue), RedisKeys.deadLetters(tenant, queue)),
                        GROUP, taskId, consumer, config.deliveriesMax(),
                        reason.isEmpty() ? "failed by its consumer" : reason, config.deadLetterLengthMax(),
                        config.queueTtlMillis(), config.claimTimeoutMillis())
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
