package io.aicunet.agentstate.application.privacy;

import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.checkpoints.CheckpointCaching;
import io.aicunet.agentstate.application.port.CheckpointCache;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.application.port.PersonalRecords.Kind;
import io.aicunet.agentstate.application.port.PersonalRecords.Page;
import io.aicunet.agentstate.application.port.PersonalRecords;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.privacy.ExportPage;
import io.aicunet.platform.privacy.PrivacyPart;
import io.aicunet.platform.privacy.PrivacyScope;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent-state service's part of privacy requests (docs/privacy-requests.md).
 *
 * <p>A data subject is the subject (the verified token's principal name) of the calls that created records:
 * {@code created_by} of agents (RegisterAgent) and checkpoints (SaveCheckpoint,
 * ForkThread), {@code subject} of idempotency keys. Records written before creators
 * were recorded belong to no subject; a tenant request covers them.
 *
 * <ul>
 *   <li>Export: every record of the tenant (or the subject's agents, checkpoints, the
 *       threads holding those checkpoints, and idempotency keys), whole rows as JSON,
 *       checkpoint states decrypted ({@code state_json}) instead of their ciphertext.</li>
 *   <li>Tenant erasure: {@link EraseTenantData}'s steps, every row and every Redis key.</li>
 *   <li>Subject erasure: the subject's checkpoints are deleted (a thread whose latest
 *       checkpoint is theirs goes whole, since a latest checkpoint goes only with its
 *       thread, and its cache entry is fenced off and dropped); agents they registered are
 *       kept but anonymised (creator and labels cleared); their idempotency keys are
 *       deleted.</li>
 * </ul>
 */
@ApplicationScoped
public class AgentStatePrivacyPart implements PrivacyPart {

    private final PersonalRecords records;
    private final Checkpoints checkpoints;
    private final CheckpointCaching caching;
    private final EraseTenantData eraseTenantData;
    private final TenantCipher cipher;
    private final AgentStateServiceConfig.Privacy config;
    private final int batchMax;
    /** Checkpoints per export page: their states fill at most agent-state.privacy.export-page-bytes. */
    private final int checkpointsPerPage;

    public AgentStatePrivacyPart(PersonalRecords records, Checkpoints checkpoints, CheckpointCaching caching,
                             EraseTenantData eraseTenantData, TenantCipher cipher, AgentStateServiceConfig config) {
        this.records = records;
        this.checkpoints = checkpoints;
        this.caching = caching;
        this.eraseTenantData = eraseTenantData;
        this.cipher = cipher;
        this.config = config.privacy();
        this.batchMax = config.erasure().batchMax();
        this.checkpointsPerPage = Math.max(1, Math.min(this.config.exportPageMax(),
                this.config.exportPageBytes() / config.stateBytesMax()));
    }

    @Override
    public Multi<ExportPage> export(SqlConnection transaction, PrivacyScope scope) {
        return Multi.createFrom().items(Kind.values())
                .onItem().transformToMultiAndConcatenate(kind -> ExportPage.<String>paged(kind.exportName(),
                        after -> records.page(transaction, kind, scope.tenant(), scope.subject(), after.orElse(""),
                                        kind == Kind.CHECKPOINTS ? checkpointsPerPage : config.exportPageMax())
                                .flatMap(page -> decrypted(scope.tenant(), kind, page))
                                .map(page -> new ExportPage.Fetched<>(page.records(), page.after()))));
    }

    /** Checkpoints with their states in clear, as {@code state_json}; a state whose key is gone is null. */
    private Uni<Page> decrypted(TenantId tenant, Kind kind, Page page) {
        if (kind != Kind.CHECKPOINTS || page.records().isEmpty()) {
            return Uni.createFrom().item(page);
        }
        return Multi.createFrom().iterable(page.records())
                .onItem().transformToUniAndConcatenate(record -> {
                    String sealed = (String) record.remove("state");
                    return cipher.open(tenant, sealed).map(state -> {
                        if (!state.isOk()) {
                            return record.putNull("state_json").put("state_unreadable",
                                    "the tenant's data key is gone: the state cannot be decrypted");
                        }
                        return record.put("state_json", state.value());
                    });
                })
                .collect().asList()
                .map(opened -> new Page(opened, page.after()));
    }

    @Override
    public Uni<Map<String, Long>> erase(SqlConnection transaction, PrivacyScope scope) {
        if (scope.wholeTenant()) {
            return eraseTenantData.eraseDatabase(scope.tenant());
        }
        return eraseSubject(transaction, scope.tenant(), scope.subject().get(), new TreeMap<>(Map.of(
                "threads", 0L, "checkpoints", 0L, "agents_anonymised", 0L, "idempotency_keys", 0L)));
    }

    @Override
    public Uni<Map<String, Long>> eraseOutsideDatabase(PrivacyScope scope) {
        if (!scope.wholeTenant()) {
            // A subject's only Redis data are cached latest checkpoints, dropped in erase().
            return Uni.createFrom().item(Map.of());
        }
        return eraseTenantData.eraseRedisKeys(scope.tenant()).map(deleted -> Map.of("redis_keys", deleted));
    }

    /** Bounded batches in the request's transaction until nothing of the subject is left. */
    private Uni<Map<String, Long>> eraseSubject(SqlConnection transaction, TenantId tenant, String subject,
                                                Map<String, Long> counts) {
        return records.lockThreadsWithLatestBy(transaction, tenant, subject, batchMax)
                .flatMap(threads -> deleteThreads(transaction, tenant, threads))
                .flatMap(threads -> records.deleteCheckpointsBy(transaction, tenant, subject, batchMax)
                        .flatMap(checkpointRows -> records.anonymiseAgentsBy(transaction, tenant, subject, batchMax)
                                .flatMap(agents -> records.deleteIdempotencyKeysOf(transaction, tenant, subject,
                                                batchMax)
                                        .flatMap(keys -> {
                                            counts.merge("threads", (long) threads, Long::sum);
                                            counts.merge("checkpoints", (long) checkpointRows, Long::sum);
                                            counts.merge("agents_anonymised", (long) agents, Long::sum);
                                            counts.merge("idempotency_keys", (long) keys, Long::sum);
                                            return threads + checkpointRows + agents + keys == 0
                                                    ? Uni.createFrom().item(counts)
                                                    : eraseSubject(transaction, tenant, subject, counts);
                                        }))));
    }

    /** Fences the threads' cache entries off for good (dropping the cached state), then deletes them. */
    private Uni<Integer> deleteThreads(SqlConnection transaction, TenantId tenant, List<ThreadId> threads) {
        if (threads.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Multi.createFrom().iterable(threads)
                .onItem().transformToUniAndConcatenate(thread -> caching.fence(transaction, tenant, thread,
                        CheckpointCache.TOMBSTONE_VERSION))
                .collect().last()
                .flatMap(ignored -> checkpoints.deleteThreads(transaction, threads));
    }
}
