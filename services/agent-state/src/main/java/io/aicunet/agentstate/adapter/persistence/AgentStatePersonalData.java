package io.aicunet.agentstate.adapter.persistence;

import io.aicunet.platform.privacy.PersonalData;
import java.util.Map;
import java.util.Set;

/**
 * Every column the agent-state service stores, in one place, and whether it can hold
 * personal data (DataClassificationTest compares this with the migrated schema, so a
 * new column without a classification fails the build).
 *
 * <p>Personal, and how each is protected:
 * <ul>
 *   <li>{@code checkpoints.state}: encrypted with the tenant's data key (also in Redis).</li>
 *   <li>{@code checkpoints.metadata}, {@code agents.labels}: short client tags that may
 *       name a person; not encrypted (labels also travel in AgentRegistered events, which
 *       the service cannot shred); deleted with their rows, labels cleared on a subject's
 *       erasure. Clients are told to keep personal data in the state.</li>
 *   <li>{@code agents.created_by}, {@code checkpoints.created_by},
 *       {@code idempotency_keys.subject}: the caller's subject id, kept in clear so that a
 *       subject's privacy request finds their rows; erased with them.</li>
 *   <li>{@code agents.owner}: the worker id of the last lease holder, which may name a
 *       person's machine or account; deleted with the agent.</li>
 *   <li>{@code outbox_events.payload}: events on their way to Kafka (AgentRegistered
 *       carries labels, AgentStatusChanged a reason); deleted once relayed.</li>
 * </ul>
 * Redis holds personal data too: cached states and task payloads and failure reasons are
 * encrypted with the tenant's data key; a cached checkpoint's {@code metadata} and a
 * lease's worker id are in clear there, as in PostgreSQL's {@code checkpoints.metadata} and
 * {@code agents.owner}; every key has a TTL (docs/redis.md).
 */
public final class AgentStatePersonalData {

    public static final PersonalData DECLARATION = PersonalData.withOutboxAndInbox(
            Map.of(
                    "agents", Set.of("labels", "owner", "created_by"),
                    "checkpoints", Set.of("state", "metadata", "created_by"),
                    "idempotency_keys", Set.of("subject")),
            Map.of(
                    "agents", Set.of("agent_id", "tenant_id", "kind", "status", "lease_token", "version",
                            "heartbeat_monitored", "heartbeat_checked_at", "created_at", "status_changed_at"),
                    "threads", Set.of("thread_id", "tenant_id", "agent_id", "latest_version", "latest_checkpoint_id",
                            "forked_from_checkpoint_id", "created_at", "updated_at"),
                    "checkpoints", Set.of("checkpoint_id", "tenant_id", "thread_id", "agent_id", "parent_id",
                            "version", "state_bytes", "created_at"),
                    "retention_policies", Set.of("tenant_id", "keep_last_checkpoints", "idle_thread_ttl_seconds",
                            "updated_at"),
                    "idempotency_keys", Set.of("tenant_id", "idempotency_key", "request_sha256", "result_id",
                            "created_at"),
                    "cache_repairs", Set.of("tenant_id", "thread_id", "created_at"),
                    "tenant_storage", Set.of("tenant_id", "bytes", "updated_at"),
                    "tenant_sweeps", Set.of("sweep", "resume_after", "updated_at")));

    private AgentStatePersonalData() {
    }
}
