package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.RegisterAgentRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.audit.v1.AuditRecord;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.contracts.audit.v1.VerifyLogResponse;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.ScopeKind;
import io.aicunet.contracts.privacy.v1.CreatePrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.GetDataKeyRequest;
import io.aicunet.contracts.privacy.v1.GetPrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.PrivacyRequestStatus;
import io.aicunet.contracts.privacy.v1.PrivacyServiceGrpc;
import io.aicunet.contracts.privacy.v1.ServicePart;
import io.aicunet.contracts.privacy.v1.TenantKeyServiceGrpc;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.platform.privacy.S3ObjectStore;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.ConfigFixtures;
import io.aicunet.platform.testing.PrivacyRequests;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's "done when", on the whole fleet: a tenant with data in every service is
 * exported (one bundle, each service's part, digests that match) and then erased; after
 * that no service returns the data, no database holds it in plain text, the ciphertext
 * left behind cannot be decrypted because the key is gone, and the audit log still
 * verifies and records the proof of erasure.
 */
class PrivacyEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Personal data a tenant's users put into the fleet; none of it may survive the erasure. */
    private static final String NAME = "Erika Mustermann";
    private static final String EMAIL = "erika.mustermann@example.org";
    /** A tenant's secret: sealed with its key, masked in exports (a bundle carries no working credentials). */
    private static final String SECRET_TOKEN = "crm-token-" + UUID.randomUUID();

    private static Fleet fleet;

    @BeforeAll
    static void startFleet() {
        fleet = Fleet.shared();
    }

    @Test
    void aTenantWithDataInEveryServiceIsExportedThenErasedWithProof() throws Exception {
        String tenant = TenantServiceGrpc.newBlockingStub(fleet.as("tenant", TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().setDisplayName(NAME + " Robotics").build())
                .getTenant().getId();
        Stored stored = storePersonalDataInEveryService(tenant);
        // The scan below sees plain text where it is: config keeps non-secret values in clear
        // (they are merged and validated), and nothing else of the user is readable at rest.
        assertThat(occurrences(fleet.database("config"), EMAIL)).isNotEmpty();
        for (String service : List.of("ledger", "agent-state", "audit")) {
            assertThat(occurrences(fleet.database(service), EMAIL)).as("%s encrypts it", service).isEmpty();
        }

        PrivacyRequest export = PrivacyRequests.completed(fleet.channel("tenant"),
                PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, tenant, "");
        assertTheBundleHoldsEveryServicesPart(export);

        PrivacyRequest erasure = PrivacyRequests.completed(fleet.channel("tenant"),
                PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "");
        assertThat(erasure.hasKeyDestroyedAt()).isTrue();
        assertThat(erasure.getPartsList()).extracting(ServicePart::getService)
                .containsExactlyInAnyOrderElementsOf(Fleet.ANSWERING);
        assertThat(erasure.getPartsList()).allSatisfy(part -> assertThat(part.getFulfilled()).isTrue());

        assertNoServiceReturnsTheData(tenant, stored);
        assertNoDatabaseHoldsThePlainText();
        assertTheCiphertextLeftCannotBeDecrypted(tenant);
        assertTheAuditLogVerifiesAndRecordsTheProof(tenant, erasure);
    }

    /**
     * A service that is down when a request arrives answers when it is back: the request
     * stays pending meanwhile (never completes without it), then completes.
     */
    @Test
    void aRequestWaitsForAServiceThatIsDownAndCompletesWhenItIsBack() {
        String tenant = TenantServiceGrpc.newBlockingStub(fleet.as("tenant", TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().build()).getTenant().getId();
        fleet.stop("config");
        try {
            var privacy = PrivacyServiceGrpc.newBlockingStub(fleet.as("tenant", PrivacyRequests.PRIVACY_OFFICER));
            PrivacyRequest created = privacy.createPrivacyRequest(CreatePrivacyRequestRequest.newBuilder()
                    .setIdempotencyKey("e2e-" + UUID.randomUUID()).setTenantId(tenant)
                    .setKind(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT).build()).getRequest();
            GetPrivacyRequestRequest get = GetPrivacyRequestRequest.newBuilder()
                    .setRequestId(created.getRequestId()).build();
            PrivacyRequest waiting = await().atMost(WAIT).until(() -> privacy.getPrivacyRequest(get).getRequest(),
                    found -> found.getPartsList().stream().filter(ServicePart::getFulfilled).count() == 3);
            assertThat(waiting.getStatus()).isEqualTo(PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_PENDING);
            assertThat(PrivacyRequests.partOf(waiting, "config").getFulfilled()).isFalse();

            fleet.restart("config");
            PrivacyRequest done = await().atMost(WAIT).until(() -> privacy.getPrivacyRequest(get).getRequest(),
                    found -> found.getStatus() != PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_PENDING);
            assertThat(done.getStatus()).as(done.getFailureReason())
                    .isEqualTo(PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_COMPLETED);
            assertThat(PrivacyRequests.partOf(done, "config").getFulfilled()).isTrue();
        } finally {
            if (!fleet.running("config")) {
                fleet.restart("config");
            }
        }
    }

    /** Where the test put personal data, to look for it again after the erasure. */
    private record Stored(String agentId, String threadId, String configNamespace) {
    }

    private Stored storePersonalDataInEveryService(String tenant) {
        // agent-state: a checkpoint whose state names the user.
        Map<String, String> runtime = TestCallers.ofTenant(tenant, "agent-runtime");
        var agents = AgentStateServiceGrpc.newBlockingStub(fleet.as("agent-state", runtime));
        String agentId = agents.registerAgent(RegisterAgentRequest.newBuilder()
                .setIdempotencyKey("e2e-" + UUID.randomUUID()).setKind("support-bot").build()).getAgent().getId();
        String threadId = UUID.randomUUID().toString();
        agents.saveCheckpoint(SaveCheckpointRequest.newBuilder().setAgentId(agentId).setThreadId(threadId)
                .setExpectedVersion(0)
                .setStateJson(new JsonObject().put("customer", NAME).put("email", EMAIL).encode()).build());

        // config: a tenant-scoped entry naming the user, and a tenant-scoped secret.
        var config = ConfigServiceGrpc.newBlockingStub(fleet.as("config", TestCallers.platformAdmin()));
        String namespace = config.createNamespace(ConfigFixtures.aNamespace().build()).getNamespace().getName();
        config.putEntry(ConfigFixtures.anEntry(namespace, "support_contact", new JsonObject()
                        .put("name", NAME).put("email", EMAIL).encode())
                .setScope(tenantScope(tenant)).build());
        config.putEntry(ConfigFixtures.anEntry(namespace, "crm_token", new JsonObject()
                        .put("token", SECRET_TOKEN).encode())
                .setScope(tenantScope(tenant)).setSecret(true).build());

        // audit: a direct record whose details name the user (actor, resource and reason are
        // hashed in clear for the life of the log: identifiers only, see docs/audit.md).
        AuditServiceGrpc.newBlockingStub(fleet.as("audit", TestCallers.ofTenant(tenant, "tenant-service")))
                .append(AuditFixtures.anAppend(tenant, 1).setRecords(0, AuditFixtures.aRecord()
                        .setDetails(com.google.protobuf.ByteString.copyFromUtf8(
                                new JsonObject().put("caller", NAME).put("email", EMAIL).encode()))).build());

        LedgerData.storePersonalData(fleet, tenant, NAME, EMAIL);
        return new Stored(agentId, threadId, namespace);
    }

    private static Scope tenantScope(String tenant) {
        return Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT).setTenantId(tenant).build();
    }

    private void assertTheBundleHoldsEveryServicesPart(PrivacyRequest export) throws IOException {
        assertThat(fleet.objects).as("the fleet's object store").isInstanceOf(S3ObjectStore.class);
        String manifestKey = export.getManifestObject();
        JsonObject manifest = new JsonObject(new String(stored(manifestKey), StandardCharsets.UTF_8));
        List<String> services = new ArrayList<>();
        for (Object entry : manifest.getJsonArray("parts")) {
            JsonObject part = (JsonObject) entry;
            byte[] content = stored(part.getString("object"));
            assertThat(sha256(content)).as("digest of %s", part.getString("object"))
                    .isEqualTo(part.getString("sha256"));
            services.add(part.getString("service"));
            if (Fleet.ANSWERING.contains(part.getString("service"))) {
                assertThat(readable(content))
                        .as("%s's part holds the user's data, decrypted", part.getString("service"))
                        .contains(EMAIL);
            }
        }
        String configKey = manifestKey.substring(0, manifestKey.lastIndexOf('/') + 1) + "config.jsonl";
        assertThat(new String(stored(configKey), StandardCharsets.UTF_8)).doesNotContain(SECRET_TOKEN);
        assertThat(services).containsExactlyInAnyOrder("tenant", "ledger", "agent-state", "audit", "config");
    }

    /** An object of the bundle as the services wrote it, read through the fleet's object store. */
    private static byte[] stored(String key) throws IOException {
        try (InputStream content = fleet.objects.get(key).orElseThrow(() -> new AssertionError("no object " + key))) {
            return content.readAllBytes();
        }
    }

    /** A part's text, with the audit's byte details (base64 in JSON) decoded. */
    private static String readable(byte[] part) {
        StringBuilder text = new StringBuilder();
        for (String line : new String(part, StandardCharsets.UTF_8).split("\n")) {
            text.append(line).append('\n');
            JsonObject record = new JsonObject(line).getJsonObject("record");
            if ("audit_records".equals(new JsonObject(line).getString("kind")) && record.getString("details") != null) {
                text.append(new String(java.util.Base64.getDecoder().decode(record.getString("details")),
                        StandardCharsets.UTF_8)).append('\n');
            }
        }
        return text.toString();
    }

    private void assertNoServiceReturnsTheData(String tenant, Stored stored) {
        assertThat(statusOf(() -> AgentStateServiceGrpc.newBlockingStub(
                        fleet.as("agent-state", TestCallers.ofTenant(tenant, "agent-runtime")))
                .getLatestCheckpoint(GetLatestCheckpointRequest.newBuilder().setAgentId(stored.agentId())
                        .setThreadId(stored.threadId()).build())))
                .isIn(Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION);
        assertThat(statusOf(() -> ConfigServiceGrpc.newBlockingStub(fleet.as("config", TestCallers.platformAdmin()))
                .getEntry(GetEntryRequest.newBuilder().setNamespace(stored.configNamespace())
                        .setKey("support_contact").setScope(tenantScope(tenant)).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(statusOf(() -> ConfigServiceGrpc.newBlockingStub(fleet.as("config", TestCallers.platformAdmin()))
                .getEntry(GetEntryRequest.newBuilder().setNamespace(stored.configNamespace())
                        .setKey("crm_token").setScope(tenantScope(tenant)).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        List<AuditRecord> records = AuditServiceGrpc.newBlockingStub(fleet.as("audit", TestCallers.platformAdmin()))
                .queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant).setPageSize(500).build())
                .getRecordsList();
        assertThat(records).as("the audit log keeps its records").isNotEmpty();
        assertThat(records).allSatisfy(record -> assertThat(record.toString()).doesNotContain(EMAIL, NAME));
        LedgerData.assertPersonalDataGone(fleet, tenant, NAME, EMAIL);
    }

    /** Every column of every table of every service, as superuser: the plain text is nowhere. */
    private void assertNoDatabaseHoldsThePlainText() throws SQLException {
        for (String service : List.of("tenant", "ledger", "agent-state", "audit", "config")) {
            TestDatabase database = fleet.database(service);
            assertThat(occurrences(database, EMAIL)).as("%s's database", service).isEmpty();
            assertThat(occurrences(database, NAME)).as("%s's database", service).isEmpty();
            assertThat(occurrences(database, SECRET_TOKEN)).as("%s's database", service).isEmpty();
        }
    }

    /** The audit log keeps ciphertext of the tenant's key; that key no longer exists anywhere. */
    private void assertTheCiphertextLeftCannotBeDecrypted(String tenant) throws SQLException {
        Set<String> keyIds = new java.util.TreeSet<>();
        Pattern ciphertext = Pattern.compile("aes1:([A-Za-z0-9_-]+):");
        for (String service : Fleet.ANSWERING) {
            for (String value : textValues(fleet.database(service))) {
                Matcher found = ciphertext.matcher(value);
                while (found.find()) {
                    keyIds.add(found.group(1));
                }
            }
        }
        assertThat(keyIds).as("ciphertext under the tenant's key is left in the audit log").isNotEmpty();
        var keys = TenantKeyServiceGrpc.newBlockingStub(fleet.as("tenant", TestCallers.service("audit", tenant)));
        for (String keyId : keyIds) {
            assertThat(statusOf(() -> keys.getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant)
                    .setKeyId(keyId).build()))).as("key %s", keyId).isEqualTo(Status.Code.FAILED_PRECONDITION);
        }
        assertThat(statusOf(() -> keys.getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant).build())))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    private void assertTheAuditLogVerifiesAndRecordsTheProof(String tenant, PrivacyRequest erasure) {
        var audit = AuditServiceGrpc.newBlockingStub(fleet.as("audit", TestCallers.platformAdmin()));
        List<String> actions = await().atMost(WAIT).until(() -> audit.queryRecords(QueryRecordsRequest.newBuilder()
                                .setTenantId(tenant).setPageSize(500).build()).getRecordsList().stream()
                        .map(AuditRecord::getAction).toList(),
                found -> found.contains("aicunet.privacy.v1.TenantDataKeyDestroyed")
                        && found.contains("aicunet.privacy.v1.PrivacyRequestCompleted"));
        assertThat(actions).contains("aicunet.privacy.v1.PrivacyRequestCreated",
                "aicunet.privacy.v1.PrivacyRequestFulfilled");
        VerifyLogResponse verified = audit.verifyLog(VerifyLogRequest.newBuilder().setTenantId(tenant).build());
        assertThat(verified.getFindingsList()).isEmpty();
        assertThat(verified.getVerified()).isTrue();
        assertThat(verified.getRecordsVerified()).isGreaterThanOrEqualTo(actions.size());
        assertThat(erasure.getRequestId()).isNotBlank();
    }

    /** Where the text occurs in the database: "table.column" for every hit, in text and in bytes. */
    static List<String> occurrences(TestDatabase database, String text) throws SQLException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<String> hits = new ArrayList<>();
        forEachValue(database, (column, value) -> {
            if (contains(value, needle)) {
                hits.add(column);
            }
        });
        return hits;
    }

    private static List<String> textValues(TestDatabase database) throws SQLException {
        List<String> values = new ArrayList<>();
        forEachValue(database, (column, value) -> values.add(new String(value, StandardCharsets.UTF_8)));
        return values;
    }

    /** Every non-null value of every table of the service's schema, as its bytes, read as superuser. */
    private static void forEachValue(TestDatabase database, java.util.function.BiConsumer<String, byte[]> visit)
            throws SQLException {
        try (Connection connection = database.connectAsSuperuser(); Statement statement = connection.createStatement()) {
            for (String table : tables(connection, database.rolePrefix())) {
                try (ResultSet rows = statement.executeQuery("SELECT * FROM " + database.rolePrefix() + "." + table)) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int column = 1; column <= columns; column++) {
                            byte[] value = rows.getBytes(column);
                            if (value != null) {
                                visit.accept(table + "." + rows.getMetaData().getColumnName(column), value);
                            }
                        }
                    }
                }
            }
        }
    }

    private static List<String> tables(Connection connection, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (var query = connection.prepareStatement("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_type = 'BASE TABLE'")) {
            query.setString(1, schema);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static Status.Code statusOf(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
