package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantServiceScope;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;

import io.aicunet.config.adapter.redis.RedisEffectiveCache;
import io.aicunet.config.application.privacy.ConfigPrivacyPart;
import io.aicunet.config.application.retention.TenantHistoryRetention;
import io.aicunet.contracts.config.v1.ChangeOperation;
import io.aicunet.contracts.config.v1.DeleteEntryRequest;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.Revision;
import io.aicunet.contracts.config.v1.Value;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.contracts.privacy.v1.GetDataKeyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.ServicePart;
import io.aicunet.contracts.privacy.v1.TenantKeyServiceGrpc;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.platform.privacy.LocalDirectoryObjectStore;
import io.aicunet.platform.privacy.ObjectStore;
import io.aicunet.platform.privacy.PrivacyScope;
import io.aicunet.platform.privacy.S3ObjectStore;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.PrivacyRequests;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.arc.ClientProxy;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Privacy (issue 8) on the real stack with the real tenant service: tenant secrets
 * sealed with the tenant's data key, export, erasure by deletion and crypto-shredding,
 * and the retention of tenants' history.
 */
@QuarkusTest
class PrivacyTest extends ConfigTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SECRET = "sk-tenant-0123456789";
    private static final Map<String, String> PRIVACY_OFFICER =
            TestCallers.headers("platform", "dpo@aicunet.io", Set.of("platform-privacy-officer"));

    /** The object store the service under test writes export parts to: the stack's S3 store (FleetTestResource). */
    @Inject
    ObjectStore store;

    /** As the stack's Redis administrator: config's own user may not run the commands this test inspects with. */
    @Inject
    @StackAdmin
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Inject
    ConfigPrivacyPart privacyPart;

    @Inject
    TenantHistoryRetention retention;

    /**
     * Proves: a secret of a tenant the tenant service does not know is refused with
     * FAILED_PRECONDITION TENANT_KEY_UNAVAILABLE over gRPC and 409 problem+json over REST,
     * changing nothing; a plain value of such a tenant is still accepted.
     */
    @Test
    void tenantSecretsNeedTheTenantsKey() {
        String namespace = newNamespace();
        String unknown = aTenant();
        StatusRuntimeException refused = refusedWithoutChange(Status.Code.FAILED_PRECONDITION,
                () -> admin().putEntry(entry(namespace, "api_key", tenantScope(unknown), "\"" + SECRET + "\"")
                        .setSecret(true).build()));
        assertThat(GrpcCalls.preconditionType(refused)).isEqualTo("TENANT_KEY_UNAVAILABLE");

        long before = head();
        given().headers(TestCallers.platformAdmin()).contentType("application/json")
                .queryParam("scope", "tenant").queryParam("tenant_id", unknown)
                .body(Map.of("value", SECRET, "secret", true, "reason", "provider key"))
                .put("/v1/config/entries/{namespace}/{key}", namespace, "api_key")
                .then().statusCode(409).contentType("application/problem+json");
        assertThat(head()).isEqualTo(before);

        assertThat(put(namespace, "model", tenantScope(unknown), "\"small\"").getChanged()).isTrue();
    }

    /**
     * Proves: an export request is answered with a JSON Lines object of the tenant's
     * current entries and revisions (not another tenant's, not platform-level ones),
     * plain values readable, secrets masked; the reported SHA-256 and counts match it,
     * and the request completes.
     */
    @Test
    void exportHoldsTheTenantsEntriesAndHistoryWithSecretsMasked() throws Exception {
        String namespace = newNamespace();
        String tenant = aRegisteredTenant();
        String other = aRegisteredTenant();
        put(namespace, "contact", tenantScope(tenant), "\"ops@acme.example\"");
        put(namespace, "contact", tenantScope(tenant), "\"oncall@acme.example\"");
        admin().putEntry(entry(namespace, "api_key", tenantServiceScope(tenant, "gateway"), "\"" + SECRET + "\"")
                .setSecret(true).build());
        put(namespace, "contact", tenantScope(other), "\"someone@other.example\"");
        put(namespace, "platform_only", globalScope(), "1");

        PrivacyRequest done = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, tenant, "");

        ServicePart part = configPart(done);
        byte[] content = stored(part.getObject());
        assertThat(part.getObject()).isEqualTo("exports/" + done.getRequestId() + "/config.jsonl");
        assertThat(LocalDirectoryObjectStore.sha256Hex(content)).isEqualTo(part.getSha256());
        assertThat(part.getCountsMap()).containsEntry("entries", 2L).containsEntry("revisions", 3L);
        String text = new String(content, StandardCharsets.UTF_8);
        assertThat(text).contains("oncall@acme.example", "ops@acme.example")
                .doesNotContain(SECRET, other, "someone@other.example", "platform_only");
        List<JsonObject> lines = text.lines().map(JsonObject::new).toList();
        JsonObject secret = lines.stream().filter(line -> line.getString("kind").equals("entries"))
                .map(line -> line.getJsonObject("record"))
                .filter(record -> record.getString("key").equals("api_key")).findFirst().orElseThrow();
        assertThat(secret.getBoolean("secret")).isTrue();
        assertThat(secret.getBoolean("masked")).isTrue();
        assertThat(secret.getValue("value")).isNull();
        assertThat(secret.getJsonObject("scope").getString("service")).isEqualTo("gateway");
    }

    /**
     * Proves: an export for a subject holds only what that subject wrote (entries last
     * written and revisions authored by it); an erasure for a subject removes nothing.
     */
    @Test
    void subjectRequestsFollowAuthorship() throws Exception {
        String namespace = newNamespace();
        String tenant = aRegisteredTenant();
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.example";
        client.as(TestCallers.headers("platform", alice, Set.of("platform-admin")))
                .putEntry(entry(namespace, "by_alice", tenantScope(tenant), "\"hers\"").build());
        put(namespace, "by_ops", tenantScope(tenant), "\"theirs\"");

        PrivacyRequest exported = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, tenant, alice);
        ServicePart part = configPart(exported);
        assertThat(part.getCountsMap()).containsEntry("entries", 1L).containsEntry("revisions", 1L);
        String text = new String(stored(part.getObject()), StandardCharsets.UTF_8);
        assertThat(text).contains("by_alice", alice).doesNotContain("by_ops");

        PrivacyRequest erased = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, alice);
        assertThat(configPart(erased).getCountsMap()).containsEntry("entries", 0L).containsEntry("revisions", 0L);
        assertThat(count("SELECT count(*) FROM config.entries WHERE tenant_id = ?::uuid", tenant)).isEqualTo(2);
    }

    /**
     * Proves: erasing a tenant deletes its entries and their history (other tenants'
     * and platform-level rows stay), its Redis cache, tells a live watcher of each
     * deleted entry (no value in any change), and completes with the tenant's key
     * destroyed: the ciphertext its secret left in the database (say, in a restored
     * backup) is no plaintext and can no longer be opened, and shows as masked with
     * reason TENANT_KEY_DESTROYED instead of failing. A repeated erasure finds nothing.
     */
    @Test
    void erasureDeletesTheTenantsConfigurationAndShredsItsSecrets() throws Exception {
        String namespace = newNamespace();
        String tenant = aRegisteredTenant();
        String other = aTenant();
        put(namespace, "contact", tenantScope(tenant), "\"ops@acme.example\"");
        put(namespace, "contact", tenantScope(tenant), "\"oncall@acme.example\"");
        put(namespace, "old", tenantScope(tenant), "1");
        admin().deleteEntry(DeleteEntryRequest.newBuilder().setNamespace(namespace).setKey("old")
                .setScope(tenantScope(tenant)).setReason("gone").build());
        admin().putEntry(entry(namespace, "api_key", tenantServiceScope(tenant, "gateway"), "\"" + SECRET + "\"")
                .setSecret(true).build());
        put(namespace, "contact", tenantScope(other), "\"stays@other.example\"");
        put(namespace, "model", globalScope(), "\"small\"");
        Map<String, Value> effective = effective(tenant, "gateway", namespace);
        assertThat(effective.get("api_key").getJson()).isEqualTo("\"" + SECRET + "\"");
        String cacheKey = RedisEffectiveCache.hashKey(Optional.of(tenantId(tenant)));
        assertThat(redis.key().exists(cacheKey)).as("the read cached the tenant's layers").isTrue();
        SealedRow sealed = sealedRow(namespace, "api_key");
        assertThat(new String(sealed.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);

        try (WatchRecorder watcher = client.watch(TestCallers.platformAdmin(), WatchRequest.newBuilder()
                .setAfterRevision(head()).setTenantId(tenant).addNamespaces(namespace).build()).awaitLive()) {
            PrivacyRequest done = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "");

            assertThat(configPart(done).getCountsMap()).containsEntry("entries", 2L)
                    .containsEntry("revisions", 5L).containsKey("redis_keys");
            assertThat(done.hasKeyDestroyedAt()).isTrue();
            List<Revision> deletions = watcher.awaitChanges(2);
            assertThat(deletions).extracting(Revision::getKey).containsExactlyInAnyOrder("contact", "api_key");
            assertThat(deletions).allSatisfy(change -> {
                assertThat(change.getOperation()).isEqualTo(ChangeOperation.CHANGE_OPERATION_DELETE);
                assertThat(change.hasValue()).isFalse();
            });
        }
        assertThat(count("SELECT count(*) FROM config.entries WHERE tenant_id = ?::uuid", tenant)).isZero();
        assertThat(count("SELECT count(*) FROM config.revisions WHERE tenant_id = ?::uuid"
                + " AND NOT (operation = 'delete' AND author = '" + ConfigPrivacyPart.ERASURE_AUTHOR + "')", tenant))
                .as("only the erasure's own delete revisions, without values, are left").isZero();
        assertThat(count("SELECT count(*) FROM config.revisions WHERE tenant_id = ?::uuid"
                + " AND (value IS NOT NULL OR sealed_value IS NOT NULL)", tenant)).isZero();
        assertThat(count("SELECT count(*) FROM config.entries WHERE tenant_id = ?::uuid", other)).isOne();
        assertThat(effective(other, "gateway", namespace).get("model").getJson()).isEqualTo("\"small\"");
        assertThat(redis.key().exists(cacheKey)).as("the tenant's cache is gone").isFalse();
        StatusRuntimeException keyGone = catchThrowableOfType(StatusRuntimeException.class, () ->
                TenantKeyServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                        TestCallers.service("config", tenant)))
                        .getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant).build()));
        assertThat(keyGone.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);

        assertThat(erase(tenant)).as("a repeated erasure finds nothing")
                .containsEntry("entries", 0L).containsEntry("revisions", 0L);

        // The sealed row comes back (a restored backup): nobody can open it any more.
        restore(sealed, tenant);
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                given().headers(ConfigGrpcClient.platformSecretReader())
                        .queryParam("scope", "tenant_service").queryParam("tenant_id", tenant)
                        .queryParam("service", "gateway")
                        .get("/v1/config/entries/{namespace}/{key}", namespace, "api_key")
                        .then().statusCode(200).body("masked", equalTo(true))
                        .body("unavailable", equalTo("TENANT_KEY_DESTROYED")));
        Value overGrpc = client.as(ConfigGrpcClient.platformSecretReader()).getEntry(GetEntryRequest.newBuilder()
                .setNamespace(namespace).setKey("api_key").setScope(tenantServiceScope(tenant, "gateway")).build())
                .getEntry().getValue();
        assertThat(overGrpc.getMasked()).isTrue();
        assertThat(overGrpc.getJson()).isEmpty();
        execute("DELETE FROM config.entries WHERE tenant_id = ?::uuid", tenant);
    }

    /**
     * Proves: with a tenant's operational retention of one day, the retention job
     * deletes the tenant's superseded revisions and ended entries older than that, keeps
     * every current value's revision and a superseded one whose successor is young, moves
     * the compaction mark past what it deleted, and leaves alone a tenant with the default
     * (90 days) and one the tenant service does not know.
     */
    @Test
    void retentionDropsOnlyOldSupersededHistory() {
        String namespace = newNamespace();
        String shortLived = TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                        TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().addRetention(RetentionPeriod.newBuilder()
                        .setDataClass("operational").setDays(1)).build()).getTenant().getId();
        String defaults = aRegisteredTenant();
        String unknown = aTenant();
        List<Long> oldOnes = new ArrayList<>();
        for (String tenant : List.of(shortLived, defaults, unknown)) {
            put(namespace, "a", tenantScope(tenant), "1");
            put(namespace, "a", tenantScope(tenant), "2");
            put(namespace, "a", tenantScope(tenant), "3");
            put(namespace, "b", tenantScope(tenant), "1");
            admin().deleteEntry(DeleteEntryRequest.newBuilder().setNamespace(namespace).setKey("b")
                    .setScope(tenantScope(tenant)).setReason("gone").build());
            put(namespace, "c", tenantScope(tenant), "1");
        }
        execute("UPDATE config.revisions SET created_at = now() - interval '3 days' WHERE namespace = ?", namespace);
        long young = put(namespace, "a", tenantScope(shortLived), "4").getEntry().getRevision();
        oldOnes.addAll(revisionsOf(namespace, shortLived));

        long deleted = retention.runOnce(Instant.now()).await().atMost(WAIT);

        assertThat(deleted).isGreaterThanOrEqualTo(4);
        List<Long> left = revisionsOf(namespace, shortLived);
        // a: 1 and 2 went (superseded by old revisions), 3 stays (its successor 4 is young); b: both went; c stays.
        assertThat(left).hasSize(3).contains(young);
        assertThat(oldOnes).containsAll(left);
        assertThat(count("SELECT count(*) FROM config.entries WHERE namespace = '" + namespace
                + "' AND tenant_id = ?::uuid", shortLived)).isEqualTo(2);
        assertThat(revisionsOf(namespace, defaults)).hasSize(6);
        assertThat(revisionsOf(namespace, unknown)).hasSize(6);
        long compacted = count("SELECT compacted_revision FROM config.revision_counter WHERE ?::text IS NOT NULL",
                shortLived);
        assertThat(compacted).isGreaterThanOrEqualTo(left.get(0)).isLessThan(young);
    }

    private static ServicePart configPart(PrivacyRequest request) {
        return PrivacyRequests.partOf(request, "config");
    }

    private Map<String, Long> erase(String tenant) {
        PrivacyScope scope = new PrivacyScope(UUID.randomUUID(), tenantId(tenant), Optional.empty());
        return TenantTransactions.inTenant(pool, TenantScope.of(tenantId(tenant)),
                        connection -> privacyPart.erase(connection, scope).map(Result::ok))
                .await().atMost(WAIT).value();
    }

    private Map<String, Value> effective(String tenant, String service, String namespace) {
        return client.as(ConfigGrpcClient.platformSecretReader()).getEffectiveConfig(GetEffectiveConfigRequest
                        .newBuilder().setTenantId(tenant).setService(service).addNamespaces(namespace).build())
                .getValuesList().stream().collect(Collectors.toMap(v -> v.getKey(), v -> v.getValue()));
    }

    private static TenantId tenantId(String tenant) {
        return new TenantId(UUID.fromString(tenant));
    }

    /** An entry row as a backup holds it. */
    private record SealedRow(String namespace, String key, String scopeId, byte[] bytes, String keyId) {
    }

    private static SealedRow sealedRow(String namespace, String key) throws SQLException {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement("SELECT scope_id, sealed_value, sealing_key_id"
                        + " FROM config.entries WHERE namespace = ? AND entry_key = ?")) {
            select.setString(1, namespace);
            select.setString(2, key);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString("sealing_key_id")).startsWith("tenant/");
                return new SealedRow(namespace, key, row.getString("scope_id"), row.getBytes("sealed_value"),
                        row.getString("sealing_key_id"));
            }
        }
    }

    private static void restore(SealedRow row, String tenant) throws SQLException {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement insert = db.prepareStatement("""
                        INSERT INTO config.entries (namespace, entry_key, scope_id, scope_kind, tenant_id, service,
                                                    value, secret, sealed_value, sealing_key_id, schema_version,
                                                    revision, updated_by, updated_at)
                        VALUES (?, ?, ?, 'tenant_service', ?::uuid, 'gateway', NULL, true, ?, ?, 0, 1, 'backup', now())""")) {
            insert.setString(1, row.namespace());
            insert.setString(2, row.key());
            insert.setString(3, row.scopeId());
            insert.setString(4, tenant);
            insert.setBytes(5, row.bytes());
            insert.setString(6, row.keyId());
            insert.executeUpdate();
        }
    }

    private static List<Long> revisionsOf(String namespace, String tenant) {
        List<Long> revisions = new ArrayList<>();
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement("SELECT revision FROM config.revisions"
                        + " WHERE namespace = ? AND tenant_id = ?::uuid ORDER BY revision")) {
            select.setString(1, namespace);
            select.setString(2, tenant);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    revisions.add(rows.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return revisions;
    }

    private static long count(String sql, String parameter) {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(sql)) {
            select.setString(1, parameter);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(String sql, String parameter) {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, parameter);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An export part as the service wrote it, read back through the run's object store. */
    private byte[] stored(String key) throws IOException {
        assertThat(ClientProxy.unwrap(store)).as("the test profile's store").isInstanceOf(S3ObjectStore.class);
        try (InputStream content = store.get(key).orElseThrow(() -> new AssertionError("no object " + key))) {
            return content.readAllBytes();
        }
    }
}
