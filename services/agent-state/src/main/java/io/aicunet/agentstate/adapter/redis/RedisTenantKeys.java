package io.aicunet.agentstate.adapter.redis;

import io.aicunet.agentstate.application.port.TenantKeys;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.limits.RedisNodes;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes a tenant's keys a SCAN step at a time (UNLINK frees their memory in the background).
 *
 * <p>On a Redis Cluster a SCAN lists only the keys of the node it is sent to, so each step
 * scans one master on a connection of its own ({@link RedisNodes}), and the cursor names the
 * master and its cursor there, {@code <node id>:<cursor>}; once a master's SCAN is complete
 * the next master (in the order of their ids) starts at 0, and after the last the step
 * answers "0". A tenant's keys share one hash slot, so they are on one master, except while
 * that slot migrates between masters: visiting every master deletes them either way. If the
 * master in the cursor is no master any more (a failover, a node removed), the scan starts
 * over from the first master: deleting is idempotent, and a cursor means nothing on another
 * node. The keys found are UNLINKed through the cluster client, which follows the slot.
 * On a single node the cursor is Redis's own, as before.
 */
@ApplicationScoped
public class RedisTenantKeys implements TenantKeys {

    private final RedisCommands redis;
    private final RedisNodes nodes;
    private final int scanCount;

    public RedisTenantKeys(RedisCommands redis, RedisNodes nodes, AgentStateServiceConfig config) {
        this.redis = redis;
        this.nodes = nodes;
        this.scanCount = config.erasure().redisScanCount();
    }

    @Override
    public Uni<Step> deleteStep(TenantId tenant, String cursor) {
        if (!nodes.clustered()) {
            return scanAndUnlink(null, tenant, cursor).map(scanned -> new Step(scanned.next(), scanned.deleted()));
        }
        return nodes.masters(shards -> redis.guarded(shards, "CLUSTER SHARDS")).flatMap(masters -> {
            List<String> ids = masters.stream().map(RedisNodes.Node::id).toList();
            ClusterCursor at = ClusterCursor.resume(cursor, ids);
            RedisNodes.Node master = masters.get(at.node());
            return scanAndUnlink(master.client(), tenant, at.nodeCursor())
                    .map(scanned -> new Step(at.next(scanned.next(), ids), scanned.deleted()));
        });
    }

    /** One node's SCAN step: that node's next cursor and the keys deleted. */
    private record Scanned(String next, int deleted) {
    }

    /** SCANs {@code node} (the service's client when null) and UNLINKs what it found. */
    private Uni<Scanned> scanAndUnlink(Redis node, TenantId tenant, String cursor) {
        Object[] scan = {cursor, "MATCH", RedisKeys.pattern(tenant), "COUNT", scanCount};
        return (node == null ? redis.send(Command.SCAN, scan) : redis.sendTo(node, Command.SCAN, scan))
                .flatMap(reply -> {
                    String next = reply.get(0).toString();
                    List<Object> keys = new ArrayList<>();
                    for (Response key : reply.get(1)) {
                        keys.add(key.toString());
                    }
                    return keys.isEmpty()
                            ? Uni.createFrom().item(new Scanned(next, 0))
                            : redis.send(Command.UNLINK, keys.toArray())
                                    .map(unlinked -> new Scanned(next, unlinked.toInteger()));
                });
    }

    /**
     * Where a cluster-wide scan is: the index of the master to scan (in {@code ids}) and the
     * cursor on it. Pure, so that its resumption rules are tested without a cluster.
     */
    record ClusterCursor(int node, String nodeCursor) {

        /** Where to go on from {@code cursor} ("0": from the start) among the masters {@code ids}. */
        static ClusterCursor resume(String cursor, List<String> ids) {
            if (ids.isEmpty()) {
                throw new IllegalArgumentException("no master to scan");
            }
            int colon = cursor.indexOf(':');
            if ("0".equals(cursor) || colon < 0) {
                return new ClusterCursor(0, "0");
            }
            int node = ids.indexOf(cursor.substring(0, colon));
            return node < 0 ? new ClusterCursor(0, "0") : new ClusterCursor(node, cursor.substring(colon + 1));
        }

        /** The step's answer after this node's SCAN answered {@code nodeNext}: "0" when every master is done. */
        String next(String nodeNext, List<String> ids) {
            if (!"0".equals(nodeNext)) {
                return ids.get(node) + ":" + nodeNext;
            }
            return node + 1 < ids.size() ? ids.get(node + 1) + ":0" : "0";
        }
    }
}
