package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.RegisterAgentRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.audit.v1.AuditRecord;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.ScopeKind;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.GetTransferRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.contracts.ledger.v1.Transfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.contracts.privacy.v1.GetDataKeyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.TenantKeyServiceGrpc;
import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.contracts.tenant.v1.TenantStatus;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.ConfigFixtures;
import io.aicunet.platform.testing.FleetCommand;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.LedgerFixtures;
import io.aicunet.platform.testing.PrivacyRequests;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.Status;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 4, on the whole fleet with the runbook's real commands: a tenant with
 * personal data in every service is backed up, the instant T noted, then the tenant is
 * erased through the tenant service's privacy API; {@code ./fleet restore --to T} brings
 * back a cluster in which the tenant is active again, with its wrapped data key and its
 * rows (checked there before anything starts on it); the five services are switched over
 * and, before they report ready, re-apply the erasure from its tombstone in the object
 * store. Then the tenant is erased again in the tenant service, its data key is refused,
 * its rows in the other services are gone and no database of the restored cluster holds
 * its personal data in plain text.
 */
class ErasureSurvivesRestoreTest {

    private static final String EMAIL = "hanna.restore@example.org";
    private static final String NAME = "Hanna Restore";
    private static final DateTimeFormatter TARGET =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);
    private static final Pattern PASS_LOG = Pattern.compile(
            "erasure tombstones: (\\d+) re-applied .*, (\\d+) malformed skipped, erased (\\{.*}), in (\\d+) ms");

    @Test
    void anErasureIsReappliedAfterARestoreToBeforeIt() throws Exception {
        Fleet fleet = Fleet.start();
        Path restored = FleetStack.fleetHome().resolve("restores")
                .resolve("erasure-" + UUID.randomUUID().toString().substring(0, 8));
        boolean restoreStarted = false;
        try {
            FleetCommand.run("backup").succeeded();
            String tenant = TenantServiceGrpc.newBlockingStub(fleet.as("tenant", TestCallers.platformAdmin()))
                    .createTenant(TenantFixtures.aTenant().setDisplayName(NAME + " GmbH").build()).getTenant().getId();
            Stored stored = storePersonalData(fleet, tenant);

            // T: the tenant and its data committed; then the erasure, completed by every service.
            Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
            await().atMost(Duration.ofSeconds(1)).until(() -> Instant.now().isAfter(t));
            PrivacyRequest erasure = PrivacyRequests.completed(fleet.channel("tenant"),
                    PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "");
            assertThat(erasure.hasKeyDestroyedAt()).isTrue();
            String tombstone = fleet.tombstonesPrefix + tenant + "/" + erasure.getRequestId() + ".json";
            Optional<InputStream> tombstoneObject = fleet.objects.get(tombstone);
            assertThat(tombstoneObject).as("the erasure's tombstone %s, outside every database", tombstone).isPresent();
            JsonObject written;
            try (InputStream content = tombstoneObject.get()) {
                written = new JsonObject(new String(content.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertThat(written.getString("kind")).isEqualTo("tenant");
            assertThat(written.getString("tenant_id")).isEqualTo(tenant);
            assertThat(written.getString("request_id")).isEqualTo(erasure.getRequestId());

            // Restore to T: the cluster has the tenant back, active, with its key and its rows.
            int port = RestoreDrillTest.freePort();
            restoreStarted = true;
            FleetCommand.Result restore = FleetCommand.run("restore", "--to", TARGET.format(t),
                    "--into", restored.toString(), "--port", Integer.toString(port)).succeeded();
            assertThat(restore.stdout()).contains("answers on 127.0.0.1:" + port);
            assertThat(tenantRow(fleet, port, tenant)).as("status and wrapped key bytes at T")
                    .isEqualTo(List.of("active", "32+"));
            assertThat(plainTextIn(fleet.database("config"), port, EMAIL))
                    .as("the restore brought the tenant's config entry back").isNotEmpty();

            // Switch over: each service re-applies the tombstones before it reports ready.
            long switchStarted = System.nanoTime();
            fleet.stopAll();
            FleetCommand.run("restore", "--drop-caches", "--tenant", tenant).succeeded();
            fleet.startAllOnPostgresPort(port);
            Duration switchOver = Duration.ofNanos(System.nanoTime() - switchStarted);

            assertTheTenantIsErasedAgain(fleet, port, tenant);
            assertItsRowsAreGoneAgain(fleet, port, tenant, stored);
            for (String service : List.of("tenant", "ledger", "agent-state", "audit", "config")) {
                assertThat(plainTextIn(fleet.database(service), port, EMAIL)).as("%s's restored database", service)
                        .isEmpty();
                assertThat(plainTextIn(fleet.database(service), port, NAME)).as("%s's restored database", service)
                        .isEmpty();
            }
            System.out.printf("tombstones: switch-over with re-application %.1f s; passes: %s%n",
                    switchOver.toMillis() / 1000.0, passes());
        } finally {
            fleet.close();
            if (restoreStarted && Files.exists(restored.resolve("postmaster.pid"))) {
                FleetCommand.run("restore", "--stop", restored.toString());
            }
            RestoreDrillTest.deleteRecursively(restored);
            Files.deleteIfExists(Path.of(restored + ".log"));
        }
    }

    /** Where the test put the tenant's personal data. */
    private record Stored(String agentId, String threadId, String namespace, String accountId, String transferId) {
    }

    private static Stored storePersonalData(Fleet fleet, String tenant) {
        var agents = AgentStateServiceGrpc.newBlockingStub(fleet.as("agent-state",
                TestCallers.ofTenant(tenant, "agent-runtime")));
        String agentId = agents.registerAgent(RegisterAgentRequest.newBuilder()
                .setIdempotencyKey("erasure-" + UUID.randomUUID()).setKind("support-bot").build()).getAgent().getId();
        String threadId = UUID.randomUUID().toString();
        agents.saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(agentId).setThreadId(threadId)
                .setExpectedVersion(0).setStateJson(new JsonObject().put("customer", NAME).put("email", EMAIL).encode())
                .build());

        var config = ConfigServiceGrpc.newBlockingStub(fleet.as("config", TestCallers.platformAdmin()));
        String namespace = config.createNamespace(ConfigFixtures.aNamespace().build()).getNamespace().getName();
        config.putEntry(ConfigFixtures.anEntry(namespace, "support_contact",
                new JsonObject().put("name", NAME).put("email", EMAIL).encode()).setScope(tenantScope(tenant)).build());
        config.putEntry(ConfigFixtures.anEntry(namespace, "crm_token",
                        new JsonObject().put("token", "crm-" + UUID.randomUUID()).encode())
                .setScope(tenantScope(tenant)).setSecret(true).build());

        AuditServiceGrpc.newBlockingStub(fleet.as("audit", TestCallers.ofTenant(tenant, "tenant-service")))
                .append(AuditFixtures.anAppend(tenant, 1).setRecords(0, AuditFixtures.aRecord()
                        .setDetails(ByteString.copyFromUtf8(new JsonObject().put("email", EMAIL).encode()))).build());

        var ledger = LedgerServiceGrpc.newBlockingStub(fleet.as("ledger", TestCallers.ofTenant(tenant, "ledger-writer")));
        String accountId = ledger.createAccount(LedgerFixtures.anAccount("EUR").setTenantId(tenant)
                .setSubjectId("user-" + tenant.substring(0, 8)).build()).getAccount().getId();
        String other = ledger.createAccount(LedgerFixtures.anAccount("EUR").setTenantId(tenant).build())
                .getAccount().getId();
        TransferOutcome outcome = ledger.createTransfers(CreateTransfersRequest.newBuilder().setTenantId(tenant)
                .addTransfers(LedgerFixtures.aTransfer(accountId, other, 4_200)
                        .putPersonalMetadata("customer", NAME).putPersonalMetadata("email", EMAIL))
                .build()).getResults(0);
        assertThat(outcome.getResult()).as(outcome.getDetail()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        return new Stored(agentId, threadId, namespace, accountId, outcome.getId());
    }

    private static void assertTheTenantIsErasedAgain(Fleet fleet, int port, String tenant) throws SQLException {
        assertThat(TenantServiceGrpc.newBlockingStub(fleet.as("tenant", TestCallers.platformAdmin()))
                .getTenant(GetTenantRequest.newBuilder().setTenantId(tenant).build()).getTenant().getStatus())
                .isEqualTo(TenantStatus.TENANT_STATUS_ERASED);
        assertThat(tenantRow(fleet, port, tenant)).isEqualTo(List.of("erased", "0"));
        var keys = TenantKeyServiceGrpc.newBlockingStub(fleet.as("tenant", TestCallers.service("audit", tenant)));
        assertThat(PrivacyEndToEndTest.statusOf(() -> keys.getDataKey(GetDataKeyRequest.newBuilder()
                .setTenantId(tenant).build()))).as("its data key").isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    private static void assertItsRowsAreGoneAgain(Fleet fleet, int port, String tenant, Stored stored) {
        assertThat(PrivacyEndToEndTest.statusOf(() -> AgentStateServiceGrpc.newBlockingStub(
                        fleet.as("agent-state", TestCallers.ofTenant(tenant, "agent-runtime")))
                .getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(stored.agentId())
                        .setThreadId(stored.threadId()).build())))
                .as("agent-state's checkpoint").isIn(Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION);
        var config = ConfigServiceGrpc.newBlockingStub(fleet.as("config", TestCallers.platformAdmin()));
        for (String key : List.of("support_contact", "crm_token")) {
            assertThat(PrivacyEndToEndTest.statusOf(() -> config.getEntry(GetEntryRequest.newBuilder()
                    .setNamespace(stored.namespace()).setKey(key).setScope(tenantScope(tenant)).build())))
                    .as("config's %s", key).isEqualTo(Status.Code.NOT_FOUND);
        }
        var ledger = LedgerServiceGrpc.newBlockingStub(fleet.as("ledger", TestCallers.platformAdmin()));
        Transfer transfer = ledger.getTransfer(GetTransferRequest.newBuilder().setTenantId(tenant)
                .setTransferId(stored.transferId()).build()).getTransfer();
        assertThat(transfer.getAmount()).as("the books keep the amount").isEqualTo(4_200);
        assertThat(transfer.getPersonalMetadataMap()).as("the ledger's personal metadata").isEmpty();
        assertThat(ledger.getAccount(GetAccountRequest.newBuilder().setTenantId(tenant)
                .setAccountId(stored.accountId()).build()).getAccount().getSubjectId()).isEmpty();
        List<AuditRecord> records = AuditServiceGrpc.newBlockingStub(fleet.as("audit", TestCallers.platformAdmin()))
                .queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant).setPageSize(500).build())
                .getRecordsList();
        assertThat(records).as("the audit log keeps its records").isNotEmpty();
        assertThat(records).allSatisfy(record -> assertThat(record.toString()).doesNotContain(EMAIL, NAME));
    }

    /** The tenant's status and its wrapped keys' bytes ("32+" when at least one key is there) on the restored cluster. */
    private static List<String> tenantRow(Fleet fleet, int port, String tenant) throws SQLException {
        TestDatabase database = fleet.database("tenant");
        try (Connection connection = database.connectAsSuperuserOnPort(port);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT t.status, (SELECT coalesce(sum(length(k.wrapped_key)), 0)"
                        + " FROM tenant.tenant_data_keys k WHERE k.tenant_id = t.tenant_id)"
                        + " FROM tenant.tenants t WHERE t.tenant_id = '" + UUID.fromString(tenant) + "'")) {
            assertThat(row.next()).as("tenant %s in the restored database", tenant).isTrue();
            long keyBytes = row.getLong(2);
            return List.of(row.getString(1).toLowerCase(java.util.Locale.ROOT), keyBytes >= 32 ? "32+"
                    : Long.toString(keyBytes));
        }
    }

    /** "table.column" for every value of the service's schema on the restored cluster that holds the text. */
    private static List<String> plainTextIn(TestDatabase database, int port, String text) throws SQLException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<String> hits = new ArrayList<>();
        try (Connection connection = database.connectAsSuperuserOnPort(port);
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = '" + database.rolePrefix() + "' AND table_type = 'BASE TABLE'")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rows = statement.executeQuery("SELECT * FROM " + database.rolePrefix() + "." + table)) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int column = 1; column <= columns; column++) {
                            byte[] value = rows.getBytes(column);
                            if (value != null && new String(value, StandardCharsets.ISO_8859_1)
                                    .contains(new String(needle, StandardCharsets.ISO_8859_1))) {
                                hits.add(table + "." + rows.getMetaData().getColumnName(column));
                            }
                        }
                    }
                }
            }
        }
        return hits;
    }

    /** What each service's start-up pass logged after the switch-over (its process log), for the figures. */
    private static Map<String, String> passes() throws IOException {
        Map<String, String> passes = new java.util.TreeMap<>();
        for (String service : List.of("tenant", "ledger", "agent-state", "audit", "config")) {
            Path log = Path.of("target", service + "-process.log");
            if (!Files.exists(log)) {
                continue;
            }
            Matcher found = PASS_LOG.matcher(Files.readString(log));
            String last = "no pass logged";
            while (found.find()) {
                last = found.group(1) + " tombstones, " + found.group(2) + " malformed, erased " + found.group(3)
                        + ", " + found.group(4) + " ms";
            }
            passes.put(service, last);
        }
        return passes;
    }

    private static Scope tenantScope(String tenant) {
        return Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT).setTenantId(tenant).build();
    }
}
