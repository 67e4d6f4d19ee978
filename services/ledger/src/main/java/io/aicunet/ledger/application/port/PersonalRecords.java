package io.aicunet.ledger.application.port;

import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The ledger's personal data where it is stored (accounts.subject_id and
 * transfers.personal_metadata), for privacy requests and retention. Every method works
 * in the caller's transaction and touches at most {@code limit} rows; the removing ones
 * lock what they change with SKIP LOCKED, so replicas never wait for each other.
 */
public interface PersonalRecords {

    /** The tenant's standing as its events left it, for exports. */
    record TenantStanding(TenantId tenant, String status, Optional<String> suspensionReason, Instant updatedAt) {
    }

    /** The tenant's accounts (empty subject), or those of one data subject; at most {@code limit}, by id. */
    Uni<List<Account>> accounts(SqlConnection connection, TenantId tenant, Optional<String> subject, int limit);

    Uni<Optional<TenantStanding>> standing(SqlConnection connection, TenantId tenant);

    /**
     * Empties the personal metadata of up to {@code limit} of the tenant's transfers: all
     * of them (accounts empty) or those debiting or crediting one of {@code accounts}.
     * How many it emptied; 0 when none is left.
     */
    Uni<Integer> erasePersonalMetadata(SqlConnection connection, TenantId tenant,
                                       Optional<List<AccountId>> accounts, int limit);

    /** Empties the subject of up to {@code limit} of the tenant's accounts (all, or one subject's); how many. */
    Uni<Integer> eraseSubjects(SqlConnection connection, TenantId tenant, Optional<String> subject, int limit);

    /**
     * Tenants with personal data in transfers or closed accounts, in id order after
     * {@code after} (from the first when empty), at most {@code limit}. Needs the platform scope.
     */
    Uni<List<TenantId>> tenantsWithPersonalData(SqlConnection connection, Optional<TenantId> after, int limit);

    /** Empties the personal metadata of up to {@code limit} of the tenant's transfers recorded before {@code cutoff}. */
    Uni<Integer> dropPersonalMetadataBefore(SqlConnection connection, TenantId tenant, Instant cutoff, int limit);

    /**
     * Empties the subject of up to {@code limit} of the tenant's closed accounts whose last
     * transfer (or, without one, their opening) is before {@code cutoff}.
     */
    Uni<Integer> dropSubjectsOfClosedAccountsBefore(SqlConnection connection, TenantId tenant, Instant cutoff,
                                                    int limit);
}
