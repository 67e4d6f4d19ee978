package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.List;
import java.util.Optional;

/**
 * The service's records as privacy requests see them: a tenant's, or one data subject's
 * (the verified caller's subject recorded as {@code created_by} on agents and
 * checkpoints, and as {@code subject} on idempotency keys). Every method works in the
 * caller's transaction, scoped to the tenant.
 */
public interface PersonalRecords {

    /** The kinds of record an export holds, as it names them: the tables. */
    enum Kind {
        AGENTS("agents"),
        THREADS("threads"),
        CHECKPOINTS("checkpoints"),
        RETENTION_POLICIES("retention_policies"),
        IDEMPOTENCY_KEYS("idempotency_keys");

        private final String exportName;

        Kind(String exportName) {
            this.exportName = exportName;
        }

        public String exportName() {
            return exportName;
        }
    }

    /**
     * A page of records: every column as JSON (checkpoint states sealed, as stored), and
     * the cursor after the last one (empty when this was the last page).
     */
    record Page(List<JsonObject> records, Optional<String> after) {
    }

    /**
     * Up to {@code limit} records of a kind of the tenant, or of the subject only, in a
     * fixed order after {@code after} ("" from the start). A subject has no retention
     * policy: that kind is empty for one.
     */
    Uni<Page> page(SqlConnection connection, Kind kind, TenantId tenant, Optional<String> subject, String after,
                   int limit);

    /** Up to {@code limit} threads whose latest checkpoint the subject saved, locked for update. */
    Uni<List<ThreadId>> lockThreadsWithLatestBy(SqlConnection connection, TenantId tenant, String subject, int limit);

    /** Deletes up to {@code limit} checkpoints the subject saved that are not their thread's latest. */
    Uni<Integer> deleteCheckpointsBy(SqlConnection connection, TenantId tenant, String subject, int limit);

    /** Clears creator and labels of up to {@code limit} agents the subject registered. */
    Uni<Integer> anonymiseAgentsBy(SqlConnection connection, TenantId tenant, String subject, int limit);

    /** Deletes up to {@code limit} of the subject's idempotency keys. */
    Uni<Integer> deleteIdempotencyKeysOf(SqlConnection connection, TenantId tenant, String subject, int limit);
}
