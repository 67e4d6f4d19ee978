package io.aicunet.ledger.application.port;

import io.aicunet.ledger.domain.TransferId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;

/** The queue of pending transfers that expire, oldest deadline first. */
public interface PendingTimeouts {

    /** A pending transfer whose timeout passed. */
    record Due(TenantId tenant, TransferId pendingId) {
    }

    /**
     * Claims at most {@code limit} timeouts due at {@code now}, locking them and
     * skipping those another replica holds, so each is settled by one replica.
     */
    Uni<List<Due>> claimDue(SqlConnection connection, Instant now, int limit);
}
