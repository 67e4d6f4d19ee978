package io.aicunet.ledger.application.transfers;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.LedgerTenants;
import io.aicunet.ledger.application.port.Postings;
import io.aicunet.ledger.application.privacy.PersonalDataCipher;
import io.aicunet.ledger.config.LedgerServiceConfig;
import io.aicunet.ledger.domain.CheckedTransfer;
import io.aicunet.ledger.domain.TransferBatch;
import io.aicunet.ledger.domain.TransferOutcome;
import io.aicunet.ledger.domain.TransferResult;
import io.aicunet.ledger.domain.TransferRules;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.GroupCommit;
import io.aicunet.platform.tenancy.GroupCommitConfig;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Creates a batch of transfers for one tenant and answers one outcome per transfer.
 * A batch whose transfers all failed still succeeds as a call; the call itself fails
 * only when it is malformed as a whole (no transfers, too many, no tenant), not
 * allowed, the tenant is suspended and the batch opens new debits, or the batch
 * carries personal metadata and the tenant has no data key to encrypt it with.
 *
 * <p>Concurrent small calls of one tenant are posted together, in one transaction
 * ({@link GroupCommit}, {@link PostBatch#postGroup}), each answered as if it had been
 * posted alone: its own outcomes, its own refusal, its chains within its own batch.
 * A group that cannot commit as a whole (the storage quota, a concurrent replica taking
 * an id first) posts each of its calls alone. docs/group-commit.md has the details.
 */
@ApplicationScoped
public class CreateTransfers {

    public static final String ACTION = "ledger.transfers.create";

    /**
     * Calls of at most this many transfers are grouped with concurrent calls of their tenant
     * into one transaction ({@link GroupCommit}); larger batches gain nothing from it and
     * run alone.
     */
    static final int GROUPED_BATCH_MAX = 64;

    private static final Uni<Optional<Problem>> NO_REFUSAL = Uni.createFrom().item(Optional.empty());

    private final LedgerAccess access;
    private final PostBatch postBatch;
    private final LedgerTenants tenants;
    private final LedgerServiceConfig config;
    private final MeterRegistry meters;
    private final PersonalDataCipher cipher;
    private final GroupCommit<TenantId, Call, List<TransferOutcome>> singles;

    public CreateTransfers(LedgerAccess access, PostBatch postBatch, LedgerTenants tenants,
                           LedgerServiceConfig config, MeterRegistry meters, PersonalDataCipher cipher,
                           GroupCommitConfig groupCommit) {
        this.access = access;
        this.postBatch = postBatch;
        this.tenants = tenants;
        this.config = config;
        this.meters = meters;
        this.cipher = cipher;
        this.singles = new GroupCommit<>("ledger.transfers", groupCommit.settings(), meters, this::postGroup);
    }

    public Uni<Result<List<TransferOutcome>>> execute(Caller caller, CreateTransfersCommand command) {
        int max = Math.min(config.batchTransfersMax(), TransferBatch.TRANSFERS_MAX);
        if (command.transfers().isEmpty() || command.transfers().size() > max) {
            return Uni.createFrom().item(Result.failed(Problem.InvalidArgument.of("transfers",
                    "must hold 1 to " + max + " transfers, not " + command.transfers().size())));
        }
        List<CheckedTransfer> batch = new ArrayList<>(command.transfers().size());
        command.transfers().forEach(draft -> batch.add(TransferRules.check(draft)));
        boolean opensDebits = TransferBatch.opensDebits(batch);
        boolean personal = carriesPersonalData(batch);
        return access.<List<TransferOutcome>>admitted(caller, command.tenantId(), ACTION, "transfer", "",
                        tenant -> dataKey(tenant, personal).flatMap(dataKey -> {
                            if (!dataKey.isOk()) {
                                return Uni.createFrom().item(Result.failed(dataKey.problem()));
                            }
                            if (batch.size() <= GROUPED_BATCH_MAX) {
                                return singles.submit(tenant, new Call(batch, opensDebits, dataKey.value()));
                            }
                            return access.transaction(tenant, connection -> postBatch.post(connection, tenant,
                                            batch, Instant.now(), List.of(),
                                            opensDebits ? suspended(connection, tenant) : NO_REFUSAL, dataKey.value())
                                    .map(result -> result.map(TransferBatch.Plan::outcomes)));
                        }))
                // A concurrent batch took one of these ids first: run again, and the
                // retry answers EXISTS or EXISTS_WITH_DIFFERENT_BODY for it.
                .onFailure(Postings.TransferIdTaken.class).retry().atMost(config.conflictRetriesMax())
                .invoke(result -> {
                    if (result.isOk()) {
                        count(result.value());
                    }
                })
                // Replays carry the stored transfer, its personal metadata sealed.
                .flatMap(result -> result.isOk() ? cipher.openOutcomes(result.value())
                        : Uni.createFrom().item(result));
    }

    /** The tenant's data key, fetched once per call and only when a transfer carries personal data. */
    private Uni<Result<Optional<DataKey>>> dataKey(TenantId tenant, boolean personal) {
        return personal
                ? cipher.keyForWriting(tenant).map(found -> found.map(Optional::of))
                : Uni.createFrom().item(Result.ok(Optional.empty()));
    }

    /**
     * Posts the calls of one group in one transaction of their tenant
     * ({@link PostBatch#postGroup}); each call's answer is rendered before the commit, as a
     * single call's is.
     */
    private Uni<Result<List<Result<List<TransferOutcome>>>>> postGroup(TenantId tenant,
                                                                       List<GroupCommit.Member<Call>> members) {
        List<PostBatch.Call> calls = new ArrayList<>(members.size());
        Optional<DataKey> key = Optional.empty();
        for (GroupCommit.Member<Call> member : members) {
            calls.add(new PostBatch.Call(member.input().batch(), member.input().opensDebits()));
            if (key.isEmpty()) {
                key = member.input().key();
            }
        }
        Optional<DataKey> sealWith = key;
        return TenantTransactions.inTenantGroup(access.pool(), TenantScope.of(tenant), members,
                connection -> postBatch.postGroup(connection, tenant, calls, Instant.now(), List.of(),
                                suspended(connection, tenant), sealWith)
                        .map(posted -> posted.map(PostBatch.Posted::outcomes)));
    }

    /** One call waiting to be posted with others of its tenant. */
    private record Call(List<CheckedTransfer> batch, boolean opensDebits, Optional<DataKey> key) {
    }

    private static boolean carriesPersonalData(List<CheckedTransfer> batch) {
        for (CheckedTransfer transfer : batch) {
            if (transfer instanceof CheckedTransfer.WellFormed wellFormed
                    && !wellFormed.request().personalMetadata().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** FAILED_PRECONDITION when the tenant is suspended: it takes no new debits. */
    private Uni<Optional<Problem>> suspended(SqlConnection connection, TenantId tenant) {
        return tenants.suspension(connection, tenant).map(suspension -> suspension.map(s ->
                new Problem.FailedPrecondition("TENANT_SUSPENDED", "tenants/" + tenant,
                        "tenant " + tenant + " is suspended (" + s.reason() + "): it takes no new debits until it is"
                                + " reactivated; posting and voiding pending transfers still work")));
    }

    private void count(List<TransferOutcome> outcomes) {
        long ok = outcomes.stream().filter(o -> o.result().succeeded()).count();
        meters.counter("aicunet.ledger.transfers", "outcome", "succeeded").increment(ok);
        meters.counter("aicunet.ledger.transfers", "outcome", "failed").increment(outcomes.size() - ok);
        long overBudget = outcomes.stream().filter(o -> o.result() == TransferResult.EXCEEDS_TOKEN_BUDGET).count();
        if (overBudget > 0) {
            // No tenant label: the refusal's detail (and the caller) name the tenant.
            meters.counter("aicunet.ledger.token.budget.refusals").increment(overBudget);
        }
    }
}
