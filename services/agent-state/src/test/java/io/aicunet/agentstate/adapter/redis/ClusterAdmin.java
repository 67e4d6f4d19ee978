package io.aicunet.agentstate.adapter.redis;

import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.HaStack;
import io.aicunet.platform.testing.StackRedis;
import io.aicunet.platform.testing.StackRedisClient;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HA stack's Redis Cluster node by node, as its administrator (fleet-admin): what the
 * cluster tests check behind the service's back. Nodes on 127.0.0.1 from
 * {@code FLEET_REDIS_CLUSTER_PORT} (17001) on, as ./fleet starts them.
 */
final class ClusterAdmin implements AutoCloseable {

    static final int NODES = 6;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final Map<Integer, Redis> clients = new HashMap<>();

    ClusterAdmin(Vertx vertx) {
        this.vertx = vertx;
    }

    /** A command to the node on {@code port} alone. */
    Response call(int port, String command, String... arguments) {
        Request request = Request.cmd(io.vertx.mutiny.redis.client.Command.create(command));
        for (String argument : arguments) {
            request.arg(argument);
        }
        return client(port).send(request).await().atMost(TIMEOUT);
    }

    List<Integer> masters() {
        return HaStack.redisPorts().stream().filter(port -> "master".equals(call(port, "ROLE").get(0).toString())).toList();
    }

    /** The master that serves {@code key}: the one that answers for it rather than with MOVED. */
    int masterOf(String key) {
        for (int port : masters()) {
            try {
                call(port, "EXISTS", key);
                return port;
            } catch (RuntimeException moved) {
                // MOVED: another master serves the key's slot.
            }
        }
        throw new IllegalStateException("no master serves " + key);
    }

    int replicaOf(int master) {
        Response replicas = call(master, "ROLE").get(2);
        if (replicas.size() == 0) {
            throw new IllegalStateException("master " + master + " has no replica");
        }
        return replicas.get(0).get(1).toInteger();
    }

    /** Every key of the node matching {@code pattern} (SCAN needs no READONLY on a replica). */
    List<String> scan(int port, String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            Response reply = call(port, "SCAN", cursor, "MATCH", pattern, "COUNT", "10000");
            cursor = reply.get(0).toString();
            reply.get(1).forEach(key -> keys.add(key.toString()));
        } while (!"0".equals(cursor));
        return keys;
    }

    /** A field of the node's INFO section, e.g. {@code uptime_in_seconds}; "" when absent. */
    String info(int port, String section, String field) {
        for (String line : call(port, "INFO", section).toString().split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return "";
    }

    private Redis client(int port) {
        return clients.computeIfAbsent(port, node -> Redis.createClient(vertx, StackRedisClient.options(
                "rediss://" + StackRedis.ADMIN + ":" + StackRedis.password(StackRedis.ADMIN) + "@" + FleetStack.host()
                        + ":" + node, FleetStack.caCertificate())));
    }

    @Override
    public void close() {
        clients.values().forEach(Redis::close);
    }
}
