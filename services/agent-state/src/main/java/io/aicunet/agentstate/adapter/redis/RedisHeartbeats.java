package io.aicunet.agentstate.adapter.redis;

import io.aicunet.agentstate.application.port.Heartbeats;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.platform.limits.RedisNodes;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Heartbeats as Redis strings that expire after the lost-after interval; the value is the time of the beat. */
@ApplicationScoped
public class RedisHeartbeats implements Heartbeats {

    private final RedisCommands redis;
    private final RedisNodes nodes;

    public RedisHeartbeats(RedisCommands redis, RedisNodes nodes) {
        this.redis = redis;
        this.nodes = nodes;
    }

    @Override
    public Uni<Boolean> extend(TenantId tenant, AgentId agent, Duration ttl) {
        return redis.send(Command.SET, RedisKeys.heartbeat(tenant, agent), System.currentTimeMillis(), "PX",
                        ttl.toMillis(), "XX")
                .map(reply -> reply != null);
    }

    @Override
    public Uni<Void> start(TenantId tenant, AgentId agent, Duration ttl) {
        return redis.send(Command.SET, RedisKeys.heartbeat(tenant, agent), System.currentTimeMillis(), "PX",
                ttl.toMillis()).replaceWithVoid();
    }

    @Override
    public Uni<Set<AgentId>> alive(List<Beat> beats) {
        // One EXISTS per key, not one MGET: the keys of different tenants live in different cluster slots.
        return Multi.createFrom().iterable(beats)
                .onItem().transformToUni(beat -> redis.send(Command.EXISTS,
                                RedisKeys.heartbeat(beat.tenant(), beat.agentId()))
                        .map(reply -> reply.toLong() == 1 ? Optional.of(beat.agentId()) : Optional.<AgentId>empty()))
                .merge(16)
                .collect().in(HashSet::new, (alive, found) -> found.ifPresent(alive::add));
    }

    /**
     * How long Redis has been up: on a cluster, the shortest uptime of its masters (INFO
     * answers for the node it is sent to, and a restarted master may have lost heartbeats).
     */
    @Override
    public Uni<Duration> uptime() {
        if (!nodes.clustered()) {
            return redis.send(Command.INFO, "server").map(RedisHeartbeats::uptime);
        }
        return nodes.masters(shards -> redis.guarded(shards, "CLUSTER SHARDS"))
                .flatMap(masters -> Multi.createFrom().iterable(masters)
                        .onItem().transformToUni(master -> redis.sendTo(master.client(), Command.INFO, "server")
                                .map(RedisHeartbeats::uptime))
                        .merge(4)
                        .collect().asList())
                .map(uptimes -> uptimes.stream().min(Duration::compareTo).orElseThrow());
    }

    private static Duration uptime(Response reply) {
        for (String line : reply.toString().split("\r?\n")) {
            if (line.startsWith("uptime_in_seconds:")) {
                return Duration.ofSeconds(Long.parseLong(line.substring("uptime_in_seconds:".length()).trim()));
            }
        }
        throw new IllegalStateException("Redis INFO server has no uptime_in_seconds");
    }
}
