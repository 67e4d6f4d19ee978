package io.aicunet.agentstate.adapter.redis;

import io.aicunet.agentstate.application.port.HotState;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.limits.RedisNodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sends commands and scripts to Redis with a deadline. A command that does not answer
 * in time, or cannot be sent, fails with {@link HotState.UnavailableException}; an
 * error reply other than Redis being busy or loading is a bug and fails as it is.
 */
@ApplicationScoped
class RedisCommands {

    private static final Logger LOG = Logger.getLogger(RedisCommands.class);
    private static final long UNREPLICATED_WARNING_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final Redis redis;
    private final Counter unreplicated;
    private final AtomicLong lastUnreplicatedWarning = new AtomicLong(System.nanoTime() - UNREPLICATED_WARNING_EVERY_NANOS);
    private final Duration timeout;
    private final int waitReplicas;
    private final long waitTimeoutMillis;

    RedisCommands(Redis redis, AgentStateServiceConfig config, MeterRegistry meters) {
        this.redis = redis;
        this.unreplicated = Counter.builder("aicunet.agent-state.unreplicated.writes")
                .description("Lease and task writes acknowledged without a replica: the master had none (after a"
                        + " failover, until its old master returns)")
                .register(meters);
        this.timeout = Duration.ofMillis(config.redisTimeoutMillis());
        this.waitReplicas = config.redis().waitReplicas();
        this.waitTimeoutMillis = config.redis().waitTimeoutMillis();
        if (waitReplicas < 0 || waitReplicas > 0 && waitTimeoutMillis >= config.redisTimeoutMillis()) {
            throw new IllegalArgumentException("agent-state.redis.wait-replicas must be 0 or more, and "
                    + "agent-state.redis.wait-timeout-millis (" + waitTimeoutMillis + ") below "
                    + "agent-state.redis-timeout-millis (" + config.redisTimeoutMillis() + ")");
        }
    }

    /** Sends a command; its reply, null for a nil reply. Arguments: String, byte[], or numbers. */
    Uni<Response> send(Command command, Object... arguments) {
        return sendTo(redis, command, arguments);
    }

    /** Sends a command to one node's client ({@link RedisNodes}), with the same deadline and failures. */
    Uni<Response> sendTo(Redis client, Command command, Object... arguments) {
        Request request = Request.cmd(command);
        for (Object argument : arguments) {
            add(request, argument);
        }
        return guarded(client.send(request), command.toString());
    }

    /**
     * Runs a script whose write must be on {@code agent-state.redis.wait-replicas} replicas
     * before the caller is answered: the script and {@code WAIT <replicas> <timeout>} go as
     * one batch, which the cluster client sends on one connection to the master of the
     * script's keys (WAIT has no key and is not allowed in scripts; sent on its own it would
     * go to any master and wait for nothing). Fewer replicas within the timeout fail the call
     * with {@link HotState.UnavailableException}: the write happened on the master but may be
     * lost with it, so it is not acknowledged (a retry finds it, or does it again).
     *
     * <p>Except where the master has no replica at all to wait for: after a failover the
     * promoted replica serves alone until its old master returns as its replica. Refusing
     * every lease and task of its tenants until then would turn one lost node into an outage,
     * so such a write is acknowledged once the master has it (as Redis itself does with
     * {@code min-replicas-to-write 0}), counted in {@code aicunet_agent_state_unreplicated_writes_total}
     * and logged; the shard is one failure away from losing it, which docs/redis-durability.md
     * names. The master's replicas are asked ({@code ROLE}, on the same node: a batch with one
     * of the script's keys) only when WAIT fell short. With 0 replicas asked (a single node)
     * this is {@link #eval}.
     */
    Uni<Response> evalReplicated(RedisScript script, List<String> keys, Object... arguments) {
        if (waitReplicas == 0) {
            return eval(script, keys, arguments);
        }
        return guarded(batchWithWait(scriptRequest(Command.EVALSHA, script.sha1(), keys, arguments), keys.get(0)),
                script.name())
                .onFailure(RedisCommands::isNoScript)
                .recoverWithUni(() -> guarded(batchWithWait(scriptRequest(Command.EVAL, script.source(), keys,
                        arguments), keys.get(0)), script.name()));
    }

    private Uni<Response> batchWithWait(Request write, String key) {
        return redis.batch(List.of(write, Request.cmd(Command.WAIT).arg(waitReplicas).arg(waitTimeoutMillis)))
                .flatMap(replies -> {
                    long replicas = replies.get(1).toLong();
                    if (replicas >= waitReplicas) {
                        return Uni.createFrom().item(replies.get(0));
                    }
                    return connectedReplicas(key).map(connected -> {
                        if (connected > 0) {
                            throw new HotState.UnavailableException("a write reached " + replicas + " of "
                                    + waitReplicas + " Redis replicas within " + waitTimeoutMillis
                                    + " ms (agent-state.redis.wait-timeout-millis): not acknowledged", null);
                        }
                        unreplicated.increment();
                        long now = System.nanoTime();
                        long last = lastUnreplicatedWarning.get();
                        if (now - last > UNREPLICATED_WARNING_EVERY_NANOS
                                && lastUnreplicatedWarning.compareAndSet(last, now)) {
                            LOG.warnf("the Redis master of %s has no replica (a failover promoted it, its old master"
                                    + " has not returned): writes are acknowledged unreplicated until one attaches", key);
                        }
                        return replies.get(0);
                    });
                });
    }

    /** How many replicas the master of {@code key} has connected now ({@code ROLE} on that node). */
    private Uni<Integer> connectedReplicas(String key) {
        return redis.batch(List.of(Request.cmd(Command.EXISTS).arg(key), Request.cmd(Command.ROLE)))
                .map(replies -> {
                    Response role = replies.get(1);
                    return "master".equals(role.get(0).toString()) ? role.get(2).size() : 0;
                });
    }

    /** Runs a script by its SHA-1, loading it when Redis does not know it (yet, or since a restart). */
    Uni<Response> eval(RedisScript script, List<String> keys, Object... arguments) {
        return guarded(redis.send(scriptRequest(Command.EVALSHA, script.sha1(), keys, arguments)), script.name())
                .onFailure(RedisCommands::isNoScript)
                .recoverWithUni(() -> guarded(redis.send(scriptRequest(Command.EVAL, script.source(), keys,
                        arguments)), script.name()));
    }

    private static Request scriptRequest(Command command, String script, List<String> keys, Object... arguments) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        for (Object argument : arguments) {
            add(request, argument);
        }
        return request;
    }

    private static void add(Request request, Object argument) {
        if (argument instanceof byte[] bytes) {
            request.arg(io.vertx.mutiny.core.buffer.Buffer.buffer(bytes));
        } else if (argument instanceof Long number) {
            request.arg(number);
        } else if (argument instanceof Integer number) {
            request.arg(number.longValue());
        } else {
            request.arg(String.valueOf(argument));
        }
    }

    /** A reply with this class's deadline and failures (also for {@link RedisNodes}' CLUSTER SHARDS). */
    Uni<Response> guarded(Uni<Response> reply, String what) {
        return reply
                .ifNoItem().after(timeout).failWith(() -> new HotState.UnavailableException(
                        "Redis did not answer " + what + " within " + timeout.toMillis() + " ms", null))
                .onFailure(failure -> !(failure instanceof HotState.UnavailableException)
                        && (!isErrorReply(failure) || isTransient(failure)))
                .transform(failure -> new HotState.UnavailableException("Redis failed " + what + ": "
                        + failure.getMessage(), failure));
    }

    private static boolean isNoScript(Throwable failure) {
        return isErrorReply(failure) && replyText(failure).startsWith("NOSCRIPT");
    }

    /**
     * An error reply's text. The Vert.x cluster client reports an error inside a batch as
     * {@code ERR [<index in the batch>] <reply>} (a single Redis as the reply itself), so
     * that prefix is taken off.
     */
    private static String replyText(Throwable failure) {
        return String.valueOf(failure.getMessage()).replaceFirst("^ERR \\[\\d+\\] ", "");
    }

    /**
     * An error reply that says Redis cannot serve right now (busy, loading its data,
     * failing over), or that the connection closed under the command (the Vert.x client's
     * CONNECTION_CLOSED: Redis stopped or the network dropped it). Any other error reply to
     * our well-formed commands is a bug, except NOSCRIPT, which {@link #eval} handles.
     */
    private static boolean isTransient(Throwable failure) {
        String message = replyText(failure);
        return message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("MASTERDOWN")
                || message.startsWith("TRYAGAIN") || message.startsWith("CLUSTERDOWN")
                || message.startsWith("CONNECTION_CLOSED");
    }

    private static boolean isErrorReply(Throwable failure) {
        return failure instanceof io.vertx.redis.client.impl.types.ErrorType;
    }
}
