package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc;
import io.aicunet.contracts.agentstate.v1.Checkpoint;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.RegisterAgentRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.audit.v1.AuditRecord;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc;
import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.contracts.audit.v1.ExportRecordsRequest;
import io.aicunet.contracts.audit.v1.ListCheckpointsRequest;
import io.aicunet.contracts.audit.v1.ListVerificationKeysRequest;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.contracts.audit.v1.VerifyLogResponse;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.Entry;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.GetTransferRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.contracts.ledger.v1.VerifyInvariantRequest;
import io.aicunet.contracts.ledger.v1.VerifyInvariantResponse;
import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.platform.auditlog.ExportVerifier;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.auditlog.VerificationReport;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.ConfigFixtures;
import io.aicunet.platform.testing.FleetCommand;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.LedgerFixtures;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.Status;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's restore drill, with the real commands of the runbook (docs/backup-restore.md):
 * data in every service through their APIs; {@code ./fleet backup}; the instant T, with
 * the WAL up to it archived; more data after T; a disaster on the drill's own ledger
 * database (its transfers table dropped by a superuser); {@code ./fleet restore --to T}
 * into a new cluster; the services switched over to it. Then it proves that exactly what
 * was committed by T is back, and nothing after: the ledger's transfers (by id) and
 * balanced books without an overdraft, the audit log verifying (in the service and with
 * the offline verifier) with the checkpoint signed before T and none signed between T and
 * the restart, config's revision of T, agent-state's latest checkpoint of T, and every
 * service answering and writing again. It prints RPO (archive lag) and RTO (restore plus switch-over) as figures.
 *
 * <p>The drill runs its own five services on their own test databases in the stack's
 * cluster; the restore copies the whole cluster (every test database of the run), and
 * the drill switches only its own services over.
 */
class RestoreDrillTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter TARGET =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);

    @Test
    void restoreToAnInstantBringsBackExactlyWhatWasCommittedThenAndTheServicesAnswerAgain() throws Exception {
        Fleet fleet = Fleet.start();
        Path restored = FleetStack.fleetHome().resolve("restores")
                .resolve("drill-" + UUID.randomUUID().toString().substring(0, 8));
        boolean restoreStarted = false;
        try {
            // 1. A backup, then data in every service through their public APIs.
            FleetCommand.run("backup").succeeded();
            String tenant = TenantServiceGrpc.newBlockingStub(fleet.as("tenant", TestCallers.platformAdmin()))
                    .createTenant(TenantFixtures.aTenant().build()).getTenant().getId();
            Before before = produceDataBeforeT(fleet, tenant);

            // 2. T: everything above committed by now. How far the archive was behind it (RPO),
            // then its WAL closed and archived, as the restore will also do.
            Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
            await().atMost(Duration.ofSeconds(1)).until(() -> Instant.now().isAfter(t));
            ArchiveLag lag = archiveLagAt(t);
            After after = produceDataAfterT(fleet, tenant, before);

            // 3. The disaster, on the drill's own ledger database only.
            try (Connection ledger = fleet.database("ledger").connectAsSuperuser();
                    Statement statement = ledger.createStatement()) {
                statement.execute("DROP TABLE ledger.transfers CASCADE");
            }
            assertThat(PrivacyEndToEndTest.statusOf(() -> ledgerAs(fleet, TestCallers.platformAdmin())
                    .getTransfer(GetTransferRequest.newBuilder().setTenantId(tenant)
                            .setTransferId(before.transferIds().get(0)).build())))
                    .as("the ledger lost its transfers").isNotEqualTo(Status.Code.OK);

            // 4. Restore to T into a new cluster, switch the services over.
            int port = freePort();
            restoreStarted = true;
            FleetCommand.Result restore = FleetCommand.run("restore", "--to", TARGET.format(t),
                    "--into", restored.toString(), "--port", Integer.toString(port)).succeeded();
            assertThat(restore.stdout()).contains("answers on 127.0.0.1:" + port)
                    .contains(fleet.database("ledger").name());
            long switchStarted = System.nanoTime();
            fleet.stopAll();
            FleetCommand.run("restore", "--drop-caches", "--tenant", tenant).succeeded();
            Instant restarted = Instant.now();
            fleet.startAllOnPostgresPort(port);
            Duration switchOver = Duration.ofNanos(System.nanoTime() - switchStarted);

            // 5. Exactly what was committed by T, and the services answer again.
            assertTheLedgerIsAsAtT(fleet, port, tenant, before, after);
            assertTheAuditLogIsAsAtT(fleet, tenant, t, restarted, before, after);
            assertConfigIsAsAtT(fleet, tenant, before);
            assertAgentStateIsAsAtT(fleet, tenant, before);
            assertThat(TenantServiceGrpc.newBlockingStub(fleet.as("tenant", TestCallers.platformAdmin()))
                    .getTenant(GetTenantRequest.newBuilder().setTenantId(tenant).build()).getTenant().getId())
                    .isEqualTo(tenant);
            // 6. The ledger takes writes again: the pending transfer left open at T can be voided now.
            // Only after every check of T: its event becomes an audit record, which the audit
            // service then signs into a checkpoint issued after T.
            assertThat(transfers(fleet, tenant, LedgerFixtures.aVoid(before.pendingId()))).hasSize(1);

            ClusterSize size = clusterSize(port);
            Duration rto = restore.took().plus(switchOver);
            System.out.printf("drill: RPO: at T the newest archived WAL segment was %.1f s behind the last commit"
                            + " (bound: archive_timeout, %s); closing and archiving T's segment took %d ms%n",
                    lag.behindSeconds(), lag.archiveTimeout(), lag.archiveMillis());
            System.out.printf("drill: RTO: %.1f s = restore %.1f s + switch-over %.1f s (5 services restarted);"
                            + " restored cluster: %d databases, %.1f MB%n",
                    rto.toMillis() / 1000.0, restore.took().toMillis() / 1000.0, switchOver.toMillis() / 1000.0,
                    size.databases(), size.bytes() / 1048576.0);
        } finally {
            fleet.close();
            if (restoreStarted && Files.exists(restored.resolve("postmaster.pid"))) {
                FleetCommand.run("restore", "--stop", restored.toString());
            }
            deleteRecursively(restored);
            Files.deleteIfExists(Path.of(restored + ".log"));
        }
    }

    /** What the drill wrote before T: all of it must be back after the restore. */
    private record Before(String walletId, List<String> transferIds, String pendingId, String agentId, String threadId,
                          long checkpointVersion, String checkpointState, String namespace, Entry entry,
                          long configRevision, List<String> auditRecordIds,
                          io.aicunet.contracts.audit.v1.Checkpoint auditCheckpoint) {
    }

    /** What the drill wrote after T: none of it may be back. */
    private record After(List<String> transferIds, List<String> auditRecordIds,
                         io.aicunet.contracts.audit.v1.Checkpoint auditCheckpoint) {
    }

    private static Before produceDataBeforeT(Fleet fleet, String tenant) {
        // Ledger: a wallet that may not be overdrawn, funded, spent from, with a pending
        // transfer left open and another one posted.
        var ledger = ledgerAs(fleet, TestCallers.ofTenant(tenant, "ledger-writer"));
        String funding = ledger.createAccount(LedgerFixtures.anAccount("EUR").setTenantId(tenant).build())
                .getAccount().getId();
        String wallet = ledger.createAccount(LedgerFixtures.aBudgetAccount("EUR").setTenantId(tenant).build())
                .getAccount().getId();
        String merchant = ledger.createAccount(LedgerFixtures.anAccount("EUR").setTenantId(tenant).build())
                .getAccount().getId();
        List<String> ids = new ArrayList<>();
        ids.addAll(transfers(fleet, tenant, LedgerFixtures.aTransfer(funding, wallet, 10_000),
                LedgerFixtures.aTransfer(wallet, merchant, 3_000)));
        String open = transfers(fleet, tenant, LedgerFixtures.aPendingTransfer(wallet, merchant, 2_000, 0)).get(0);
        String posted = transfers(fleet, tenant, LedgerFixtures.aPendingTransfer(wallet, merchant, 1_000, 0)).get(0);
        ids.add(open);
        ids.add(posted);
        ids.addAll(transfers(fleet, tenant, LedgerFixtures.aPost(posted, 0)));

        // Agent-state: a thread's first checkpoint, read once (so it is cached in Redis).
        var agents = AgentStateServiceGrpc.newBlockingStub(fleet.as("agent-state",
                TestCallers.ofTenant(tenant, "agent-runtime")));
        String agentId = agents.registerAgent(RegisterAgentRequest.newBuilder()
                .setIdempotencyKey("drill-" + UUID.randomUUID()).setKind("drill-bot").build()).getAgent().getId();
        String threadId = UUID.randomUUID().toString();
        String state = new JsonObject().put("step", "before T").encode();
        long version = agents.saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(agentId)
                .setThreadId(threadId).setExpectedVersion(0).setStateJson(state).build()).getCheckpoint().getVersion();
        latestCheckpoint(fleet, tenant, agentId, threadId);

        // Config: an entry's first revision.
        var config = ConfigServiceGrpc.newBlockingStub(fleet.as("config", TestCallers.platformAdmin()));
        String namespace = config.createNamespace(ConfigFixtures.aNamespace().build()).getNamespace().getName();
        Entry entry = config.putEntry(ConfigFixtures.anEntry(namespace, "max_agents",
                new JsonObject().put("max", 1).encode()).build()).getEntry();
        long configRevision = config.getEffectiveConfig(GetEffectiveConfigRequest.newBuilder().setTenantId(tenant)
                .build()).getRevision();

        // Audit: records and a signed checkpoint over them.
        var audit = AuditServiceGrpc.newBlockingStub(fleet.as("audit", TestCallers.ofTenant(tenant, "tenant-service")));
        List<String> recordIds = audit.append(AuditFixtures.anAppend(tenant, 5).build()).getRecordsList().stream()
                .map(io.aicunet.contracts.audit.v1.AppendedRecord::getRecordId).toList();
        var checkpoint = auditAs(fleet, AuditFixtures.platformAuditor())
                .createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(tenant).build()).getCheckpoint();
        return new Before(wallet, ids, open, agentId, threadId, version, state, namespace, entry, configRevision,
                recordIds, checkpoint);
    }

    private static After produceDataAfterT(Fleet fleet, String tenant, Before before) {
        var ledger = ledgerAs(fleet, TestCallers.ofTenant(tenant, "ledger-writer"));
        Account wallet = ledger.getAccount(GetAccountRequest.newBuilder().setTenantId(tenant)
                .setAccountId(before.walletId()).build()).getAccount();
        String merchant = UUID.randomUUID().toString();
        ledger.createAccount(LedgerFixtures.anAccount("EUR").setId(merchant).setTenantId(tenant).build());
        List<String> ids = new ArrayList<>();
        ids.addAll(transfers(fleet, tenant, LedgerFixtures.aTransfer(wallet.getId(), merchant, 500)));
        ids.addAll(transfers(fleet, tenant, LedgerFixtures.aPost(before.pendingId(), 0)));

        var agents = AgentStateServiceGrpc.newBlockingStub(fleet.as("agent-state",
                TestCallers.ofTenant(tenant, "agent-runtime")));
        agents.saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(before.agentId())
                .setThreadId(before.threadId()).setExpectedVersion(before.checkpointVersion())
                .setStateJson(new JsonObject().put("step", "after T").encode()).build());
        // Read through the cache: Redis now holds version 2, which the restored database will not.
        assertThat(latestCheckpoint(fleet, tenant, before.agentId(), before.threadId()).getVersion())
                .isEqualTo(before.checkpointVersion() + 1);

        ConfigServiceGrpc.newBlockingStub(fleet.as("config", TestCallers.platformAdmin()))
                .putEntry(ConfigFixtures.anEntry(before.namespace(), "max_agents",
                        new JsonObject().put("max", 2).encode()).build());

        var audit = AuditServiceGrpc.newBlockingStub(fleet.as("audit", TestCallers.ofTenant(tenant, "tenant-service")));
        List<String> recordIds = audit.append(AuditFixtures.anAppend(tenant, 3).build()).getRecordsList().stream()
                .map(io.aicunet.contracts.audit.v1.AppendedRecord::getRecordId).toList();
        var checkpoint = auditAs(fleet, AuditFixtures.platformAuditor())
                .createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(tenant).build()).getCheckpoint();
        assertThat(checkpoint.getTreeSize()).isGreaterThan(before.auditCheckpoint().getTreeSize());
        return new After(ids, recordIds, checkpoint);
    }

    private static void assertTheLedgerIsAsAtT(Fleet fleet, int port, String tenant, Before before, After after)
            throws SQLException {
        TestDatabase database = fleet.database("ledger");
        Set<String> restored = new TreeSet<>();
        try (Connection connection = database.connectAsSuperuserOnPort(port);
                Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT transfer_id FROM ledger.transfers WHERE tenant_id = '"
                    + UUID.fromString(tenant) + "' LIMIT 1000")) {
                while (rows.next()) {
                    restored.add(rows.getString(1));
                }
            }
            assertThat(restored).as("exactly the transfers committed by T").isEqualTo(new TreeSet<>(before.transferIds()));
            // Debits equal credits per tenant and unit, posted and pending; no account over its limit.
            try (ResultSet rows = statement.executeQuery("SELECT tenant_id, unit FROM ledger.accounts"
                    + " GROUP BY tenant_id, unit HAVING sum(debits_posted) <> sum(credits_posted)"
                    + " OR sum(debits_pending) <> sum(credits_pending) LIMIT 10")) {
                assertThat(rows.next()).as("a tenant and unit whose books do not balance").isFalse();
            }
            try (ResultSet rows = statement.executeQuery("SELECT account_id FROM ledger.accounts"
                    + " WHERE debits_must_not_exceed_credits AND debits_posted + debits_pending > credits_posted"
                    + " LIMIT 10")) {
                assertThat(rows.next()).as("an overdrawn account").isFalse();
            }
        }
        var operator = ledgerAs(fleet, TestCallers.headers("platform", "oncall@aicunet.io", Set.of("platform-operator")));
        VerifyInvariantResponse invariant = operator.verifyInvariant(VerifyInvariantRequest.getDefaultInstance());
        assertThat(invariant.getHolds()).as("%s", invariant.getViolationsList()).isTrue();

        var reader = ledgerAs(fleet, TestCallers.platformAdmin());
        Account wallet = reader.getAccount(GetAccountRequest.newBuilder().setTenantId(tenant)
                .setAccountId(before.walletId()).build()).getAccount();
        assertThat(wallet.getBalances().getCreditsPosted()).isEqualTo(10_000);
        assertThat(wallet.getBalances().getDebitsPosted()).as("3,000 spent and 1,000 posted").isEqualTo(4_000);
        assertThat(wallet.getBalances().getDebitsPending()).as("the open pending transfer").isEqualTo(2_000);
        for (String id : after.transferIds()) {
            assertThat(PrivacyEndToEndTest.statusOf(() -> reader.getTransfer(GetTransferRequest.newBuilder()
                    .setTenantId(tenant).setTransferId(id).build()))).as("transfer %s after T", id)
                    .isEqualTo(Status.Code.NOT_FOUND);
        }
    }

    /**
     * The audit log as at T. Once restarted on the restored database, the audit service may
     * sign new checkpoints of its own (its job signs any log that grew, e.g. by events the
     * restored outboxes publish again): those are issued after the restart, never between T
     * and it, and none of them is the checkpoint signed after T.
     */
    private static void assertTheAuditLogIsAsAtT(Fleet fleet, String tenant, Instant t, Instant restarted,
                                                 Before before, After after) {
        var auditor = auditAs(fleet, AuditFixtures.platformAuditor());
        List<io.aicunet.contracts.audit.v1.Checkpoint> checkpoints = auditor.listCheckpoints(ListCheckpointsRequest
                .newBuilder().setTenantId(tenant).setPageSize(100).build()).getCheckpointsList();
        assertThat(checkpoints).extracting(checkpoint -> Instant.ofEpochSecond(checkpoint.getIssuedAt().getSeconds(),
                        checkpoint.getIssuedAt().getNanos()))
                .as("checkpoints issued after T but before the restart (T was %s, the restart %s)", t, restarted)
                .noneMatch(issued -> issued.isAfter(t) && issued.isBefore(restarted));
        assertThat(checkpoints).as("the checkpoint signed before T, byte for byte").contains(before.auditCheckpoint());
        assertThat(checkpoints).as("the checkpoint signed after T").doesNotContain(after.auditCheckpoint());

        List<String> recordIds = auditor.queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant)
                .setPageSize(500).build()).getRecordsList().stream().map(AuditRecord::getRecordId).toList();
        assertThat(recordIds).containsAll(before.auditRecordIds()).doesNotContainAnyElementsOf(after.auditRecordIds());

        VerifyLogResponse verified = auditor.verifyLog(VerifyLogRequest.newBuilder().setTenantId(tenant).build());
        assertThat(verified.getFindingsList()).isEmpty();
        assertThat(verified.getVerified()).isTrue();

        // The auditor's offline verifier (tools/audit-verifier runs the same ExportVerifier) on an export.
        ByteArrayOutputStream export = new ByteArrayOutputStream();
        auditor.exportRecords(ExportRecordsRequest.newBuilder().setTenantId(tenant).build())
                .forEachRemaining(chunk -> export.writeBytes(chunk.getChunk().toByteArray()));
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        auditAs(fleet, TestCallers.headers("platform", "anyone", Set.of()))
                .listVerificationKeys(ListVerificationKeysRequest.getDefaultInstance()).getKeysList()
                .forEach(key -> keys.put(key.getKeyId(), TreeHeadSignatures.publicKey(key.getPublicKey())));
        VerificationReport report = new ExportVerifier(keys)
                .verify(Arrays.asList(export.toString(StandardCharsets.UTF_8).split("\n")));
        assertThat(report.ok()).as(report.summary()).isTrue();

        // It takes records again.
        assertThat(AuditServiceGrpc.newBlockingStub(fleet.as("audit", TestCallers.ofTenant(tenant, "tenant-service")))
                .append(AuditFixtures.anAppend(tenant, 1).setRecords(0, AuditFixtures.aRecord()
                        .setDetails(ByteString.copyFromUtf8("{\"after\":\"restore\"}"))).build())
                .getRecords(0).getReplayed()).isFalse();
    }

    private static void assertConfigIsAsAtT(Fleet fleet, String tenant, Before before) {
        var config = ConfigServiceGrpc.newBlockingStub(fleet.as("config", TestCallers.platformAdmin()));
        Entry entry = config.getEntry(GetEntryRequest.newBuilder().setNamespace(before.namespace())
                .setKey("max_agents").setScope(ConfigFixtures.globalScope()).build()).getEntry();
        assertThat(entry.getRevision()).isEqualTo(before.entry().getRevision());
        assertThat(new JsonObject(entry.getValue().getJson())).isEqualTo(new JsonObject().put("max", 1));
        assertThat(config.getEffectiveConfig(GetEffectiveConfigRequest.newBuilder().setTenantId(tenant).build())
                .getRevision()).as("the revision current at T").isEqualTo(before.configRevision());
        // It takes writes again, as the next revision.
        assertThat(config.putEntry(ConfigFixtures.anEntry(before.namespace(), "max_agents",
                new JsonObject().put("max", 3).encode()).build()).getEntry().getRevision())
                .isGreaterThan(before.configRevision());
    }

    private static void assertAgentStateIsAsAtT(Fleet fleet, String tenant, Before before) {
        Checkpoint latest = latestCheckpoint(fleet, tenant, before.agentId(), before.threadId());
        assertThat(latest.getVersion()).as("the latest checkpoint of T, not the one cached after it")
                .isEqualTo(before.checkpointVersion());
        assertThat(new JsonObject(latest.getStateJson())).isEqualTo(new JsonObject(before.checkpointState()));
        // It takes the thread's next version again.
        assertThat(AgentStateServiceGrpc.newBlockingStub(fleet.as("agent-state",
                        TestCallers.ofTenant(tenant, "agent-runtime")))
                .saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(before.agentId())
                        .setThreadId(before.threadId()).setExpectedVersion(before.checkpointVersion())
                        .setStateJson(new JsonObject().put("step", "after the restore").encode()).build())
                .getCheckpoint().getVersion()).isEqualTo(before.checkpointVersion() + 1);
    }

    private static Checkpoint latestCheckpoint(Fleet fleet, String tenant, String agentId, String threadId) {
        return AgentStateServiceGrpc.newBlockingStub(fleet.as("agent-state", TestCallers.ofTenant(tenant, "agent-runtime")))
                .getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(agentId)
                        .setThreadId(threadId).build()).getCheckpoint();
    }

    /** Creates the transfers one request each, in order; fails unless each is OK. Their ids. */
    private static List<String> transfers(Fleet fleet, String tenant, NewTransfer.Builder... transfers) {
        var ledger = ledgerAs(fleet, TestCallers.ofTenant(tenant, "ledger-writer"));
        List<String> ids = new ArrayList<>();
        for (NewTransfer.Builder transfer : transfers) {
            TransferOutcome outcome = ledger.createTransfers(CreateTransfersRequest.newBuilder().setTenantId(tenant)
                    .addTransfers(transfer).build()).getResults(0);
            assertThat(outcome.getResult()).as(outcome.getDetail()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
            ids.add(outcome.getId());
        }
        return ids;
    }

    private static LedgerServiceGrpc.LedgerServiceBlockingStub ledgerAs(Fleet fleet, Map<String, String> caller) {
        return LedgerServiceGrpc.newBlockingStub(fleet.as("ledger", caller));
    }

    private static AuditServiceGrpc.AuditServiceBlockingStub auditAs(Fleet fleet, Map<String, String> caller) {
        return AuditServiceGrpc.newBlockingStub(fleet.as("audit", caller));
    }

    /** The archive at T: how old its newest segment was, and how long closing and archiving T's took. */
    private record ArchiveLag(double behindSeconds, long archiveMillis, String archiveTimeout) {
    }

    /**
     * On the stack's cluster (superuser, read-only but for closing the current WAL segment,
     * which {@code ./fleet restore} does too): how far the newest archived segment was behind
     * T, then the segment holding T closed and awaited in the archive.
     */
    private static ArchiveLag archiveLagAt(Instant t) throws SQLException {
        try (Connection connection = DriverManager.getConnection(TestDatabase.jdbcUrl("postgres"), "postgres",
                        FleetStack.postgresSuperuserPassword());
                Statement statement = connection.createStatement()) {
            double behind;
            String timeout;
            try (ResultSet rows = statement.executeQuery("SELECT greatest(0, extract(epoch FROM (timestamptz '" + t
                    + "' - last_archived_time))), current_setting('archive_timeout') FROM pg_stat_archiver")) {
                rows.next();
                behind = rows.getDouble(1);
                timeout = rows.getString(2);
            }
            long started = System.nanoTime();
            String segment;
            try (ResultSet rows = statement.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                rows.next();
                segment = rows.getString(1);
            }
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                try (ResultSet rows = statement.executeQuery("SELECT last_archived_wal FROM pg_stat_archiver")) {
                    rows.next();
                    String archived = rows.getString(1);
                    return archived != null && archived.compareTo(segment) >= 0;
                }
            });
            return new ArchiveLag(behind, Duration.ofNanos(System.nanoTime() - started).toMillis(), timeout);
        }
    }

    private record ClusterSize(int databases, long bytes) {
    }

    private static ClusterSize clusterSize(int port) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + FleetStack.host() + ":" + port
                        + "/postgres?" + FleetStack.postgresTlsParameters(), "postgres",
                FleetStack.postgresSuperuserPassword());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT count(*), sum(pg_database_size(oid)) FROM pg_database WHERE NOT datistemplate")) {
            rows.next();
            return new ClusterSize(rows.getInt(1), rows.getLong(2));
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
