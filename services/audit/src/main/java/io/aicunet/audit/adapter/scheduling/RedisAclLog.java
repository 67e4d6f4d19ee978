package io.aicunet.audit.adapter.scheduling;

import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.platform.limits.RedisNodes;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Redis's ACL LOG as metrics (issue 13, item 6): what Redis refused, and to whom. A
 * scheduled job of its own (it reads Redis, not the audit log). Every
 * {@code audit.redis-acl-log.interval} (15 s) the audit service reads {@code ACL LOG} with
 * its own Redis user (which may run it: read-only, no value and no password in it) and
 * counts the refusals since the last read in
 * {@code aicunet_redis_acl_denials_total{reason,username}}: reason is {@code auth} (a wrong
 * password or an unknown or disabled user), {@code command}, {@code key} or {@code channel}.
 * {@code aicunet_redis_acl_log_up} is 1 while the log can be read. Alert: any increase
 * (docs/redis.md, "ACL users").
 *
 * <p>Redis keeps the last {@code acllog-max-len} (128) entries and folds repeats of the same
 * refusal (reason, context, object, user) into one entry's {@code count}; the counter adds
 * what each such group's total grew by. A group that fell out of the log while it grew loses
 * that growth: the counter can under-count a flood, never over-count. Each replica reads
 * the same log, so alerts take the {@code max} over replicas.
 *
 * <p>On a Redis Cluster every node keeps its own log of the refusals on its connections,
 * masters and replicas alike, so each read asks every node the cluster lists
 * ({@link RedisNodes}) and keeps what it saw per node id: a node's first read only takes
 * note, and a node the cluster stops listing (failed, removed) is forgotten, so when it
 * comes back its first read only takes note again (under-counting, never over-counting).
 * The log is up while every listed node answered.
 */
@ApplicationScoped
public class RedisAclLog {

    private static final Logger LOG = Logger.getLogger(RedisAclLog.class);
    static final String DENIALS = "aicunet.redis.acl.denials";

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final boolean enabled;
    private final RedisNodes nodes;
    private final MeterRegistry meters;
    /** Per node id ("" on a single node): each refusal group's total at the last read. */
    private final Map<String, Map<String, Long>> seen = new HashMap<>();
    private final AtomicInteger up = new AtomicInteger();
    private volatile boolean primed;

    public RedisAclLog(AuditServiceConfig config, RedisNodes nodes, MeterRegistry meters) {
        this.enabled = config.redisAclLog().enabled();
        this.nodes = nodes;
        this.meters = meters;
        if (enabled) {
            meters.gauge("aicunet.redis.acl.log.up", up);
        }
    }

    @Scheduled(every = "${audit.redis-acl-log.interval:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> read() {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        return nodes.all(shards -> shards.ifNoItem().after(TIMEOUT).fail())
                .flatMap(all -> Multi.createFrom().iterable(all)
                        .onItem().transformToUni(node -> node.client().send(Request.cmd(Command.ACL).arg("LOG"))
                                .ifNoItem().after(TIMEOUT).fail()
                                .invoke(log -> count(node.id(), log))
                                .onFailure().transform(failure -> new IllegalStateException("node " + node.address()
                                        + ": " + failure, failure)))
                        .merge(4)
                        .collect().asList()
                        .invoke(() -> forgetAllBut(all.stream().map(RedisNodes.Node::id).toList())))
                .invoke(() -> {
                    if (up.getAndSet(1) == 0 && primed) {
                        LOG.info("Redis's ACL LOG is readable again");
                    }
                })
                .onFailure().invoke(failure -> {
                    // Once per outage, not at every tick.
                    if (up.getAndSet(0) == 1 || !primed) {
                        LOG.warnf("Redis's ACL LOG cannot be read (does the audit user have +acl|log?): %s",
                                failure.toString());
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private synchronized void forgetAllBut(List<String> listed) {
        seen.keySet().retainAll(listed);
    }

    /** {@link #count(String, Response)} on a single node. */
    void count(Response log) {
        count("", log);
    }

    /**
     * Adds what each refusal group of node {@code node} grew by since the last read of that
     * node. A node's first read only takes note: what Redis refused before this replica
     * started (or before the node was first seen) is not counted again.
     */
    synchronized void count(String node, Response log) {
        Map<String, Long> totals = new HashMap<>();
        Map<String, String[]> labels = new HashMap<>();
        for (int i = 0; i < log.size(); i++) {
            Map<String, String> entry = fields(log.get(i));
            String reason = entry.getOrDefault("reason", "unknown");
            String username = entry.getOrDefault("username", "");
            String group = String.join("\u0000", reason, entry.getOrDefault("context", ""),
                    entry.getOrDefault("object", ""), username);
            totals.merge(group, Long.parseLong(entry.getOrDefault("count", "1")), Long::sum);
            labels.put(group, new String[] {reason, username});
        }
        Map<String, Long> before = seen.get(node);
        totals.forEach((group, total) -> {
            long grew = total - (before == null ? total : before.getOrDefault(group, 0L));
            if (grew > 0) {
                String[] tags = labels.get(group);
                meters.counter(DENIALS, "reason", tags[0], "username", tags[1]).increment(grew);
            }
        });
        seen.put(node, totals);
        primed = true;
    }

    /** An ACL LOG entry's fields: a map in RESP3, a flat key, value, key, value array in RESP2. */
    private static Map<String, String> fields(Response entry) {
        Map<String, String> fields = new HashMap<>();
        Set<String> keys;
        try {
            keys = entry.getKeys();
        } catch (RuntimeException notAMap) {
            keys = Set.of();
        }
        if (!keys.isEmpty()) {
            keys.forEach(key -> fields.put(key, text(entry.get(key))));
            return fields;
        }
        for (int i = 0; i + 1 < entry.size(); i += 2) {
            fields.put(entry.get(i).toString(), text(entry.get(i + 1)));
        }
        return fields;
    }

    private static String text(Response value) {
        return value == null ? "" : value.toString();
    }
}
