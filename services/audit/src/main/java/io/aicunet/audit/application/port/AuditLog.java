package io.aicunet.audit.application.port;

import io.aicunet.audit.domain.LogHead;
import io.aicunet.audit.domain.RetentionPolicy;
import io.aicunet.audit.domain.StoredRecord;
import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Where the audit log is kept. Every method works in the caller's transaction on the
 * given connection, so row-level security, the head lock and the inbox share it.
 * Every list is bounded by a limit the caller passes.
 */
public interface AuditLog {

    /** The tenant's head, locked until the transaction ends (created empty with {@code segmentSize} if absent). */
    Uni<LogHead> lockHead(SqlConnection connection, UUID tenantId, int segmentSize);

    Uni<Optional<LogHead>> findHead(SqlConnection connection, UUID tenantId);

    Uni<Void> saveHead(SqlConnection connection, LogHead head);

    /** Sequences of those of {@code recordIds} the tenant's log already holds. */
    Uni<Map<UUID, Long>> findRecordIds(SqlConnection connection, UUID tenantId, List<UUID> recordIds);

    /** Inserts one tenant's records; {@code sealedDetails} holds each record's ciphertext, in the same order. */
    Uni<Void> insertRecords(SqlConnection connection, List<AuditRecord> records, List<Optional<String>> sealedDetails);

    /** Records {@code from .. to} (inclusive), in sequence order, at most {@code limit}. */
    Uni<List<StoredRecord>> records(SqlConnection connection, UUID tenantId, long from, long to, int limit);

    /** Record hashes of sequences {@code from .. to} (inclusive), in order. */
    Uni<List<byte[]>> recordHashes(SqlConnection connection, UUID tenantId, long from, long to);

    /** At most {@code limit} records after {@code afterSequence} matching the filter, in sequence order. */
    Uni<List<StoredRecord>> query(SqlConnection connection, UUID tenantId, RecordFilter filter, long afterSequence,
                                  int limit);

    /** How many of the tenant's records (of {@code actor}, when given) there are, are sealed and were redacted. */
    Uni<RecordCounts> countRecords(SqlConnection connection, UUID tenantId, Optional<String> actor);

    record RecordCounts(long total, long sealed, long redacted) {
    }

    /**
     * Removes the ciphertext of at most {@code limit} of {@code actor}'s records with
     * sealed details (the database's redaction function, refused under legal hold); how many.
     */
    Uni<Long> redactSealedDetails(SqlConnection connection, UUID tenantId, String actor, int limit);

    /** What QueryRecords filters by; empty means any. */
    record RecordFilter(Optional<String> actor, Optional<String> action, Optional<String> resource,
                        Optional<String> outcome, Optional<Instant> recordedFrom, Optional<Instant> recordedTo) {
    }

    /** The tenant's sealed segments with numbers below {@code belowSegment}, by number. */
    Uni<Map<Long, SealedSegment>> segments(SqlConnection connection, UUID tenantId, long belowSegment);

    /** A segment whose tree is sealed: its root, and the hash of its last record (the chain's anchor once removed). */
    record SealedSegment(byte[] rootHash, byte[] lastRecordHash) {
    }

    /** Seals a segment; false when it was sealed already. */
    Uni<Boolean> insertSegment(SqlConnection connection, UUID tenantId, long segment, long firstSequence,
                               long lastSequence, byte[] rootHash, byte[] lastRecordHash);

    Uni<Boolean> insertCheckpoint(SqlConnection connection, SignedTreeHead checkpoint);

    Uni<Optional<SignedTreeHead>> checkpoint(SqlConnection connection, UUID tenantId, long treeSize);

    Uni<Optional<SignedTreeHead>> newestCheckpoint(SqlConnection connection, UUID tenantId);

    /** At most {@code limit} checkpoints with tree sizes below {@code belowSize}, newest first. */
    Uni<List<SignedTreeHead>> checkpoints(SqlConnection connection, UUID tenantId, long belowSize, int limit);

    Uni<RetentionPolicy> policy(SqlConnection connection, UUID tenantId);

    /** Takes the retention period from the tenant service's event of tenant version {@code version}, unless a newer one was seen. */
    Uni<Void> saveRetention(SqlConnection connection, UUID tenantId, OptionalInt retentionDays, long version);

    Uni<Void> saveLegalHold(SqlConnection connection, UUID tenantId, boolean held, String reason);

    /**
     * The last record of the run, from {@code fromSequence} on, of records all recorded
     * before {@code cutoff}: one less than the first record recorded at or after it
     * (the tenant's last record when none is).
     */
    Uni<Long> lastExpired(SqlConnection connection, UUID tenantId, long fromSequence, Instant cutoff);

    /** Runs the database's retention function; the number of records removed. */
    Uni<Long> removeExpiredSegments(SqlConnection connection, UUID tenantId, long upToSequence);

    /** At most {@code limit} tenants with a log, with ids after {@code afterTenant}, by id. */
    Uni<List<UUID>> tenants(SqlConnection connection, Optional<UUID> afterTenant, int limit);

    /** At most {@code limit} tenants whose log grew past their newest checkpoint. */
    Uni<List<UUID>> tenantsAheadOfCheckpoint(SqlConnection connection, int limit);

    /** Takes a transaction-scoped advisory lock on the tenant's log for {@code job}, without waiting. */
    Uni<Boolean> tryLock(SqlConnection connection, String job, UUID tenantId);
}
