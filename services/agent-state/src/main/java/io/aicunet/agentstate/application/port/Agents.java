package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where agents are kept. Every method works in the caller's transaction on the given
 * connection, so row-level security and the outbox share it.
 */
public interface Agents {

    /** How a read locks the row it finds, until the transaction ends (agents' and threads' rows alike). */
    enum LockMode {
        /** No lock: a plain read. */
        NONE,
        /** FOR SHARE: others may read and share-lock, nobody may change it. */
        SHARE,
        /** FOR UPDATE: nobody else may lock or change it. */
        UPDATE;

        /** The SQL locking clause, with a leading space, or nothing. */
        public String clause() {
            return switch (this) {
                case NONE -> "";
                case SHARE -> " FOR SHARE";
                case UPDATE -> " FOR UPDATE";
            };
        }
    }

    /** The agent, locked as asked; empty when absent or not visible to the transaction's tenant. */
    Uni<Optional<Agent>> find(SqlConnection connection, AgentId id, LockMode lock);

    /**
     * These agents, by id, locked as asked in id order: the one order in which every group
     * of checkpoint saves locks agents, so that two groups never wait for each other in a
     * cycle. Agents absent or not visible to the transaction's tenant are missing and lock
     * nothing.
     */
    Uni<Map<AgentId, Agent>> findAll(SqlConnection connection, List<AgentId> ids, LockMode lock);

    /** Stores a new agent, recording the subject that registered it (for privacy requests). */
    Uni<Void> insert(SqlConnection connection, Agent agent, String createdBy);

    /** Stores a status change over the version before it; fails when that version is gone (a bug under a row lock). */
    Uni<Void> updateStatus(SqlConnection connection, Agent changed);

    /** Records a newly issued lease token and the worker it went to; the agent must be locked for update. */
    Uni<Void> recordLease(SqlConnection connection, AgentId id, long token, String worker);

    /** Remembers that the agent heartbeats, so that its silence will make it lost. */
    Uni<Void> markHeartbeatMonitored(SqlConnection connection, AgentId id);

    /**
     * Live agents that heartbeat, have been in their status for longer than
     * {@code lostAfter} and were not found alive within {@code checkInterval}: at most
     * {@code limit}, least recently checked first, locked for update, skipping those
     * another transaction holds. Needs platform scope.
     */
    Uni<List<Agent>> lockSilenceCandidates(SqlConnection connection, Instant now, Duration lostAfter,
                                           Duration checkInterval, int limit);

    /** Records that these agents were found alive now. */
    Uni<Void> markChecked(SqlConnection connection, List<AgentId> ids, Instant now);

    /** Deletes up to {@code limit} of a tenant's agents (their threads and checkpoints must be gone); the number deleted. */
    Uni<Integer> deleteOfTenant(SqlConnection connection, TenantId tenant, int limit);

    /**
     * Up to {@code limit} tenants that have agents, in id order, after {@code after} (none:
     * from the first). Platform scope; what the retention job walks through.
     */
    Uni<List<TenantId>> tenantsAfter(SqlConnection connection, Optional<TenantId> after, int limit);

    /**
     * Deletes up to {@code limit} of the tenant's agents that reached a final status
     * (failed, completed, terminated) before {@code cutoff} and have no thread left,
     * skipping agents another transaction holds; the number deleted (retention).
     */
    Uni<Integer> deleteFinishedBefore(SqlConnection connection, TenantId tenant, Instant cutoff, int limit);
}
