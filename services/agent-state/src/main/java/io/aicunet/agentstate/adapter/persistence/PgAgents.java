package io.aicunet.agentstate.adapter.persistence;

import io.aicunet.agentstate.application.port.Agents;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStatus;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** Agents in PostgreSQL, through the Vert.x reactive client, under row-level security. */
@ApplicationScoped
public class PgAgents implements Agents {

    private static final String COLUMNS = """
            agent_id, tenant_id, kind, labels, status, owner, lease_token, version, created_at, status_changed_at""";
    private static final String QUALIFIED_COLUMNS = "agents." + COLUMNS.replace(", ", ", agents.");

    @Override
    public Uni<Optional<Agent>> find(SqlConnection connection, AgentId id, LockMode lock) {
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM agents WHERE agent_id = $1" + lock.clause())
                .execute(Tuple.of(id.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toAgent(rows.iterator().next())));
    }

    @Override
    public Uni<Map<AgentId, Agent>> findAll(SqlConnection connection, List<AgentId> ids, LockMode lock) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        UUID[] values = ids.stream().map(AgentId::value).toArray(UUID[]::new);
        // ORDER BY under a lock locks the rows in agent_id order. Joined with the wanted
        // ids, so each is an index lookup however many agents the tenant has.
        String locked = lock == LockMode.NONE ? "" : lock.clause() + " OF agents";
        return connection.preparedQuery("SELECT " + QUALIFIED_COLUMNS + " FROM unnest($1::uuid[]) AS wanted (id)"
                        + " JOIN agents ON agents.agent_id = wanted.id ORDER BY agents.agent_id LIMIT $2" + locked)
                .execute(Tuple.of(values, values.length))
                .map(rows -> {
                    Map<AgentId, Agent> found = new HashMap<>();
                    rows.forEach(row -> {
                        Agent agent = toAgent(row);
                        found.put(agent.id(), agent);
                    });
                    return found;
                });
    }

    @Override
    public Uni<Void> insert(SqlConnection connection, Agent agent, String createdBy) {
        return connection.preparedQuery("INSERT INTO agents (" + COLUMNS + ", created_by)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .execute(Tuple.tuple()
                        .addUUID(agent.id().value())
                        .addUUID(agent.tenant().value())
                        .addString(agent.kind())
                        .addJsonObject(new JsonObject(new HashMap<String, Object>(agent.labels())))
                        .addString(agent.status().wireName())
                        .addString(agent.owner().orElse(null))
                        .addLong(agent.leaseToken())
                        .addLong(agent.version())
                        .addOffsetDateTime(SqlTimes.of(agent.createdAt()))
                        .addOffsetDateTime(SqlTimes.of(agent.statusChangedAt()))
                        .addString(createdBy))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> updateStatus(SqlConnection connection, Agent changed) {
        return connection.preparedQuery("""
                        UPDATE agents SET status = $2, version = $3, status_changed_at = $4
                         WHERE agent_id = $1 AND version = $3 - 1""")
                .execute(Tuple.of(changed.id().value(), changed.status().wireName(), changed.version(),
                        SqlTimes.of(changed.statusChangedAt())))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("agent " + changed.id() + " was not at version "
                                + (changed.version() - 1) + " although it was locked");
                    }
                    return null;
                });
    }

    @Override
    public Uni<Void> recordLease(SqlConnection connection, AgentId id, long token, String worker) {
        return connection.preparedQuery("""
                        UPDATE agents SET lease_token = $2, owner = $3
                         WHERE agent_id = $1 AND lease_token = $2 - 1""")
                .execute(Tuple.of(id.value(), token, worker))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("agent " + id + " had no lease token " + (token - 1)
                                + " although it was locked");
                    }
                    return null;
                });
    }

    @Override
    public Uni<Void> markHeartbeatMonitored(SqlConnection connection, AgentId id) {
        return connection.preparedQuery(
                        "UPDATE agents SET heartbeat_monitored = true WHERE agent_id = $1 AND NOT heartbeat_monitored")
                .execute(Tuple.of(id.value()))
                .replaceWithVoid();
    }

    @Override
    public Uni<List<Agent>> lockSilenceCandidates(SqlConnection connection, Instant now, Duration lostAfter,
                                                  Duration checkInterval, int limit) {
        return connection.preparedQuery("SELECT " + COLUMNS + """
                         FROM agents
                        WHERE status IN ('idle', 'running') AND heartbeat_monitored
                          AND status_changed_at < $1
                          AND (heartbeat_checked_at IS NULL OR heartbeat_checked_at < $2)
                        ORDER BY heartbeat_checked_at NULLS FIRST
                        LIMIT $3
                        FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(SqlTimes.of(now.minus(lostAfter)), SqlTimes.of(now.minus(checkInterval)), limit))
                .map(rows -> {
                    List<Agent> agents = new ArrayList<>(rows.size());
                    rows.forEach(row -> agents.add(toAgent(row)));
                    return agents;
                });
    }

    @Override
    public Uni<Void> markChecked(SqlConnection connection, List<AgentId> ids, Instant now) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("UPDATE agents SET heartbeat_checked_at = $2 WHERE agent_id = ANY($1)")
                .execute(Tuple.of(ids.stream().map(AgentId::value).toArray(UUID[]::new), SqlTimes.of(now)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Integer> deleteOfTenant(SqlConnection connection, TenantId tenant, int limit) {
        return connection.preparedQuery("""
                        DELETE FROM agents WHERE agent_id IN
                            (SELECT agent_id FROM agents WHERE tenant_id = $1 LIMIT $2)""")
                .execute(Tuple.of(tenant.value(), limit))
                .map(rows -> rows.rowCount());
    }

    @Override
    public Uni<List<TenantId>> tenantsAfter(SqlConnection connection, Optional<TenantId> after, int limit) {
        return connection.preparedQuery("""
                        SELECT DISTINCT tenant_id FROM agents
                         WHERE $1::uuid IS NULL OR tenant_id > $1
                         ORDER BY tenant_id
                         LIMIT $2""")
                .execute(Tuple.of(after.map(TenantId::value).orElse(null), limit))
                .map(rows -> {
                    List<TenantId> tenants = new ArrayList<>(rows.size());
                    rows.forEach(row -> tenants.add(new TenantId(row.getUUID("tenant_id"))));
                    return tenants;
                });
    }

    @Override
    public Uni<Integer> deleteFinishedBefore(SqlConnection connection, TenantId tenant, Instant cutoff, int limit) {
        return connection.preparedQuery("""
                        DELETE FROM agents WHERE agent_id IN
                            (SELECT a.agent_id FROM agents a
                              WHERE a.tenant_id = $1 AND a.status IN ('failed', 'completed', 'terminated')
                                AND a.status_changed_at < $2
                                AND NOT EXISTS (SELECT 1 FROM threads t WHERE t.agent_id = a.agent_id)
                              LIMIT $3
                                FOR UPDATE SKIP LOCKED)""")
                .execute(Tuple.of(tenant.value(), SqlTimes.of(cutoff), limit))
                .map(rows -> rows.rowCount());
    }

    private static Agent toAgent(Row row) {
        JsonObject labels = row.getJsonObject("labels");
        Map<String, String> labelMap = new TreeMap<>();
        labels.forEach(entry -> labelMap.put(entry.getKey(), String.valueOf(entry.getValue())));
        return new Agent(
                new AgentId(row.getUUID("agent_id")),
                new TenantId(row.getUUID("tenant_id")),
                row.getString("kind"),
                labelMap,
                AgentStatus.fromWireName(row.getString("status")).orElseThrow(() -> new IllegalStateException(
                        "agent " + row.getUUID("agent_id") + " has unknown status " + row.getString("status"))),
                Optional.ofNullable(row.getString("owner")),
                row.getLong("lease_token"),
                row.getLong("version"),
                SqlTimes.instant(row, "created_at"),
                SqlTimes.instant(row, "status_changed_at"));
    }
}
