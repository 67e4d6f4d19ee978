package io.aicunet.ledger.application.transfers;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.PendingTimeouts;
import io.aicunet.ledger.config.LedgerServiceConfig;
import io.aicunet.ledger.domain.CheckedTransfer;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.ledger.domain.TransferRequest;
import io.aicunet.ledger.domain.TransferResult;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Releases the reservations of pending transfers whose timeout passed, each exactly
 * once however many replicas run this: a pass claims due timeouts with
 * {@code FOR UPDATE SKIP LOCKED} (another replica's claimed ones are skipped), then
 * expires them through the same batch path as callers' transfers, which refuses to
 * settle a pending transfer twice (and a unique index on pending_id backs that up).
 * A pending transfer posted or voided before its timeout just loses its timeout entry.
 *
 * <p>The claimed timeouts are grouped by tenant and handled in tenant order, each
 * tenant's accounts locked in id order: one global lock order, so passes of several
 * replicas never deadlock with each other or with callers' batches.
 */
@ApplicationScoped
public class ExpirePendingTransfers {

    private final LedgerAccess access;
    private final PendingTimeouts timeouts;
    private final PostBatch postBatch;
    private final LedgerServiceConfig config;
    private final MeterRegistry meters;

    public ExpirePendingTransfers(LedgerAccess access, PendingTimeouts timeouts, PostBatch postBatch,
                                  LedgerServiceConfig config, MeterRegistry meters) {
        this.access = access;
        this.timeouts = timeouts;
        this.postBatch = postBatch;
        this.config = config;
        this.meters = meters;
    }

    /** One pass over timeouts due now; the number of pending transfers it expired. */
    public Uni<Integer> expireDue() {
        Instant now = Instant.now();
        return TenantTransactions.<Integer>inTenant(access.pool(), TenantScope.platform(), connection -> timeouts
                        .claimDue(connection, now, config.expiry().batchSize())
                        .flatMap(due -> {
                            Map<TenantId, List<TransferId>> byTenant = new TreeMap<>(
                                    (left, right) -> left.value().compareTo(right.value()));
                            due.forEach(entry -> byTenant.computeIfAbsent(entry.tenant(), t -> new ArrayList<>())
                                    .add(entry.pendingId()));
                            return Multi.createFrom().iterable(byTenant.entrySet())
                                    .onItem().transformToUniAndConcatenate(tenantDue -> expire(connection,
                                            tenantDue.getKey(), tenantDue.getValue(), now))
                                    .collect().with(Collectors.summingInt(Integer::intValue))
                                    .map(Result::ok);
                        }))
                .map(Result::value)
                .invoke(expired -> meters.counter("aicunet.ledger.pending.expired").increment(expired));
    }

    private Uni<Integer> expire(SqlConnection connection, TenantId tenant,
                                List<TransferId> pendingIds, Instant now) {
        List<CheckedTransfer> batch = new ArrayList<>(pendingIds.size());
        pendingIds.forEach(id -> batch.add(new CheckedTransfer.WellFormed(TransferRequest.expiry(id))));
        return postBatch.post(connection, tenant, batch, now, pendingIds, Uni.createFrom().item(Optional.empty()),
                        Optional.empty())
                .map(result -> (int) result.value().outcomes().stream()
                        .filter(o -> o.result() == TransferResult.OK).count());
    }
}
