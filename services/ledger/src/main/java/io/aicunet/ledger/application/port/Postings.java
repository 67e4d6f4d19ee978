package io.aicunet.ledger.application.port;

import io.aicunet.ledger.domain.TransferBatch;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.List;

/** Where a planned batch is written: its transfers, the accounts' balances and the events, at once. */
public interface Postings {

    /**
     * Writes the plan in the current transaction, and forgets the timeouts of the
     * pending transfers {@code timeoutsSettled}. Fails with {@link TransferIdTaken}
     * when a concurrent batch committed one of the plan's transfer ids first.
     */
    Uni<Void> write(SqlConnection connection, TenantId tenant, TransferBatch.Plan plan, List<OutboxEvent> events,
                    List<TransferId> timeoutsSettled);

    /** A concurrent batch committed a transfer with one of this batch's ids first; the batch may be retried. */
    final class TransferIdTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TransferIdTaken(Throwable cause) {
            super("a concurrent batch created one of this batch's transfer ids first", cause);
        }
    }
}
