package io.aicunet.platform.limits;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The Redis nodes behind the service's client, for the few commands that a cluster answers
 * per node rather than per key: SCAN and INFO (agent-state's erasure and uptime), ACL LOG
 * (audit's refusals metric). On a single node this is the service's client itself. On a
 * cluster ({@code quarkus.redis.client-type=cluster}) the nodes come from
 * {@code CLUSTER SHARDS}, asked each time (a failover changes them), and each node is
 * reached by a client of its own with the service client's options (TLS, ACL user,
 * password): the cluster client sends a keyless command to one node it picks.
 */
@ApplicationScoped
public class RedisNodes {

    /** One node: its cluster id ("" for a single node), address, role, and a client for it alone. */
    public record Node(String id, String address, boolean master, Redis client) {
    }

    /** A node of CLUSTER SHARDS: id, host:port, whether master, whether online. */
    record Listed(String id, String address, boolean master, boolean usable) {
    }

    private final Redis redis;
    private final Vertx vertx;
    private final RedisOptions options;
    private final Map<String, Redis> clients = new ConcurrentHashMap<>();

    public RedisNodes(Redis redis, Vertx vertx, RedisClientOptions options) {
        this.redis = redis;
        this.vertx = vertx;
        // The client above is created before this bean, so its options were recorded.
        this.options = options.options();
    }

    /** Whether the service's client uses TLS (rediss://): then a node's tls-port is the one to dial. */
    private boolean tls() {
        return options.getEndpoint().startsWith("rediss:");
    }

    /** Whether the service's client talks to a Redis Cluster. */
    public boolean clustered() {
        return options.getType() == RedisClientType.CLUSTER;
    }

    /**
     * The masters in the order of their ids (a stable order for cursors across calls).
     * {@code guard} puts the caller's deadline and failure mapping on the CLUSTER SHARDS reply.
     */
    public Uni<List<Node>> masters(UnaryOperator<Uni<Response>> guard) {
        return nodes(guard, true);
    }

    /** Every node, masters and replicas, that the cluster does not mark as failed, in the order of their ids. */
    public Uni<List<Node>> all(UnaryOperator<Uni<Response>> guard) {
        return nodes(guard, false);
    }

    private Uni<List<Node>> nodes(UnaryOperator<Uni<Response>> guard, boolean mastersOnly) {
        if (!clustered()) {
            return Uni.createFrom().item(List.of(new Node("", "", true, redis)));
        }
        return guard.apply(redis.send(Request.cmd(Command.CLUSTER).arg("SHARDS"))).map(reply -> {
            List<Node> nodes = new ArrayList<>();
            for (Listed listed : parse(reply, tls())) {
                if (listed.usable() && (listed.master() || !mastersOnly)) {
                    nodes.add(new Node(listed.id(), listed.address(), listed.master(), client(listed.address())));
                }
            }
            if (nodes.isEmpty()) {
                throw new IllegalStateException("CLUSTER SHARDS lists no usable " + (mastersOnly ? "master" : "node"));
            }
            nodes.sort(Comparator.comparing(Node::id));
            return nodes;
        });
    }

    /**
     * The nodes of a CLUSTER SHARDS reply (Redis 7; the ACL users have cluster|shards, which
     * the cluster client needs too): per shard its nodes with id, ip, port or tls-port
     * ({@code tls} picks which), role and health. A node whose health is not "online"
     * (failed, or loading its data) is listed as not usable.
     */
    static List<Listed> parse(Response shards, boolean tls) {
        List<Listed> listed = new ArrayList<>();
        for (Response shard : shards) {
            Response nodes = field(shard, "nodes");
            for (int i = 0; nodes != null && i < nodes.size(); i++) {
                Response node = nodes.get(i);
                String id = text(field(node, "id"));
                String ip = text(field(node, "ip"));
                String port = text(field(node, tls ? "tls-port" : "port"));
                boolean usable = "online".equals(text(field(node, "health"))) && !ip.isEmpty() && !port.isEmpty()
                        && !"0".equals(port);
                listed.add(new Listed(id, (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port,
                        "master".equals(text(field(node, "role"))), usable));
            }
        }
        return listed;
    }

    /** A field of a reply that is a map in RESP3 and a flat name, value, name, value array in RESP2. */
    private static Response field(Response reply, String name) {
        try {
            if (!reply.getKeys().isEmpty()) {
                return reply.get(name);
            }
        } catch (RuntimeException notAMap) {
            // RESP2: a flat array, read below.
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            if (name.equals(reply.get(i).toString())) {
                return reply.get(i + 1);
            }
        }
        return null;
    }

    private static String text(Response value) {
        return value == null ? "" : value.toString();
    }

    /** The endpoint of the service's first configured one, with the node's host and port instead. */
    static String endpoint(String configured, String address) {
        try {
            URI uri = new URI(configured);
            int colon = address.lastIndexOf(':');
            String host = address.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(address.substring(colon + 1));
            return new URI(uri.getScheme(), uri.getRawUserInfo(), host, port, uri.getRawPath(), uri.getRawQuery(), null)
                    .toString();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot make a Redis endpoint for node " + address + " from the "
                    + "service's configured endpoint", e);
        }
    }

    private Redis client(String address) {
        return clients.computeIfAbsent(address, node -> {
            RedisOptions single = new RedisOptions(options)
                    .setType(RedisClientType.STANDALONE)
                    .setEndpoints(new ArrayList<>(List.of(endpoint(options.getEndpoint(), node))))
                    .setMaxPoolSize(2)
                    .setMaxPoolWaiting(64)
                    // Its own pool: Vert.x shares the pools of clients with the same pool name.
                    .setPoolName("redis-node-" + node);
            return Redis.createClient(vertx, single);
        });
    }

    @PreDestroy
    public void close() {
        clients.values().forEach(Redis::close);
        clients.clear();
    }
}
