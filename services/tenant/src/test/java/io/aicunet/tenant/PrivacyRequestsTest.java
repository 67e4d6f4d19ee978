package io.aicunet.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.aicunet.contracts.privacy.v1.CreatePrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.GetDataKeyRequest;
import io.aicunet.contracts.privacy.v1.GetDataKeyResponse;
import io.aicunet.contracts.privacy.v1.GetPrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestCreated;
import io.aicunet.contracts.privacy.v1.PrivacyRequestFulfilled;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.PrivacyRequestStatus;
import io.aicunet.contracts.privacy.v1.TenantDataKeyDestroyed;
import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantDataKeyRead;
import io.aicunet.contracts.tenant.v1.TenantStatus;
import io.aicunet.platform.outbox.KafkaEventPublisher;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.privacy.ErasureTombstone;
import io.aicunet.platform.privacy.ErasureTombstones;
import io.aicunet.platform.privacy.FieldCipher;
import io.aicunet.platform.privacy.LocalDirectoryObjectStore;
import io.aicunet.platform.privacy.ObjectStore;
import io.aicunet.platform.privacy.S3ObjectStore;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TopicReader;
import io.aicunet.tenant.application.privacy.ExportBundles;
import io.aicunet.tenant.application.privacy.FinishPrivacyRequests;
import io.aicunet.tenant.application.contract.KeyAccessEvents;
import io.aicunet.tenant.application.contract.PrivacyEvents;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GDPR requests as the tenant service orchestrates them, with the other services'
 * answers played by the test on the real Kafka (their own parts are their own tests).
 */
@QuarkusTest
class PrivacyRequestsTest extends GrpcTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> SERVICES = List.of("ledger", "agent-state", "audit", "config");
    private static final Map<String, String> PRIVACY_OFFICER =
            TestCallers.headers("platform", "dpo@aicunet.io", Set.of("platform-privacy-officer"));

    private static KafkaEventPublisher kafka;

    @Inject
    FinishPrivacyRequests finishPrivacyRequests;

    /** The service's object store: the local stack's S3 store in the test profile. */
    @Inject
    ObjectStore store;

    @Inject
    ErasureTombstones tombstones;

    /** The ledger service's own account, acting on the tenant (the key's owner). */
    private static Map<String, String> asLedger(Tenant tenant) {
        return TestCallers.service("ledger", tenant.getId());
    }

    @BeforeAll
    static void connectKafka() {
        kafka = KafkaEventPublisher.connect(FleetStack.kafkaAdminSettings(), Map.of());
    }

    @AfterAll
    static void closeKafka() {
        kafka.close();
    }

    /**
     * Proves least privilege on data keys: a service that encrypts gets the key of the
     * tenant it names, the same each time; it does not get another tenant's key while
     * naming one tenant, nor any key at platform scope; the tenant service's own account
     * (which encrypts nothing) and a tenant's own admin get none.
     */
    @Test
    void dataKeysGoOnlyToEncryptingServicesForTheNamedTenant() {
        Tenant tenant = newTenant();
        Tenant other = newTenant();
        GetDataKeyRequest ask = GetDataKeyRequest.newBuilder().setTenantId(tenant.getId()).build();
        assertThat(client.keysAs(TestCallers.service("config", tenant.getId())).getDataKey(ask).getKey().size())
                .isEqualTo(32);
        for (Map<String, String> refused : List.of(
                TestCallers.service("config", other.getId()),
                TestCallers.service("config", "platform"),
                TestCallers.service("tenant", tenant.getId()))) {
            StatusRuntimeException denied = catchThrowableOfType(StatusRuntimeException.class,
                    () -> client.keysAs(refused).getDataKey(ask));
            assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
    }

    /** Proves: a fleet service gets the tenant's data key, the same each time; a tenant's own admin does not. */
    @Test
    void dataKeysGoOnlyToFleetServices() {
        Tenant tenant = newTenant();
        GetDataKeyRequest ask = GetDataKeyRequest.newBuilder().setTenantId(tenant.getId()).build();

        GetDataKeyResponse first = client.keysAs(asLedger(tenant)).getDataKey(ask);
        GetDataKeyResponse second = client.keysAs(asLedger(tenant)).getDataKey(ask);

        assertThat(first.getKey().size()).isEqualTo(32);
        assertThat(second.getKey()).isEqualTo(first.getKey());
        assertThat(first.getKeyId()).isEqualTo("dk-1");
        StatusRuntimeException denied = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.keysAs(TestCallers.ofTenant(tenant.getId(), "tenant-admin")).getDataKey(ask));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(GrpcCalls.codeOf(denied)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    /**
     * Proves: every data key handed out is recorded on tenant.key-access.v1 (for the audit
     * log), naming the reader as the fleet names callers (the ledger's account), one record
     * per read; a refused read
     * records nothing (it comes first, and the tenant's records keep their order).
     */
    @Test
    void everyDataKeyReadIsRecordedWithItsReader() throws Exception {
        Tenant tenant = newTenant();
        GetDataKeyRequest ask = GetDataKeyRequest.newBuilder().setTenantId(tenant.getId()).build();
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.keysAs(TestCallers.ofTenant(tenant.getId(), "tenant-admin")).getDataKey(ask));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        String keyId = client.keysAs(asLedger(tenant)).getDataKey(ask).getKeyId();
        client.keysAs(asLedger(tenant)).getDataKey(ask);

        List<ReceivedEvent> reads;
        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + KeyAccessEvents.TOPIC)) {
            reads = reader.readUntil(read -> ofTenant(read, tenant).size() >= 2, WAIT).stream()
                    .filter(record -> tenant.getId().equals(record.key())).map(ReceivedEvent::from).toList();
        }

        assertThat(reads).hasSize(2).allSatisfy(read -> {
            assertThat(read.type()).isEqualTo(TenantDataKeyRead.getDescriptor().getFullName());
            assertThat(read.subject()).isEqualTo(keyId);
            TenantDataKeyRead record = TenantDataKeyRead.parseFrom(read.payload());
            assertThat(record.getKeyId()).isEqualTo(keyId);
            assertThat(record.getReadBy()).isEqualTo("service-account-ledger");
            assertThat(record.getCreated()).isFalse();
        });
    }

    private static List<ConsumerRecord<String, byte[]>> ofTenant(List<ConsumerRecord<String, byte[]>> records,
                                                                 Tenant tenant) {
        return records.stream().filter(record -> tenant.getId().equals(record.key())).toList();
    }

    /**
     * Proves: an export is announced, completes when every service has answered, and its
     * bundle holds each service's part plus the tenant's own, with a manifest whose
     * digests match the objects.
     */
    @Test
    void exportAssemblesOneBundle() throws Exception {
        Tenant tenant = newTenant();
        PrivacyRequest request = create(tenant, PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, "");
        assertThat(request.getStatus()).isEqualTo(PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_PENDING);
        assertThat(request.getPartsList()).hasSize(SERVICES.size());

        PrivacyRequestCreated announced = PrivacyRequestCreated.parseFrom(readEvent(request.getRequestId(),
                PrivacyRequestCreated.getDescriptor().getFullName()).payload());
        assertThat(announced.getExportPrefix()).isEqualTo("exports/" + request.getRequestId() + "/");

        for (String service : SERVICES) {
            answerWithPart(request, service, ("{\"service\":\"" + service + "\"}\n").getBytes(StandardCharsets.UTF_8),
                    null);
        }
        PrivacyRequest done = awaitStatus(request, PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_COMPLETED);

        assertThat(ClientProxy.unwrap(store)).as("the test profile's store").isInstanceOf(S3ObjectStore.class);
        JsonObject manifest = new JsonObject(new String(read(done.getManifestObject()), StandardCharsets.UTF_8));
        assertThat(manifest.getJsonArray("parts")).hasSize(SERVICES.size() + 1);
        for (Object entry : manifest.getJsonArray("parts")) {
            JsonObject part = (JsonObject) entry;
            byte[] content = read(part.getString("object"));
            assertThat(LocalDirectoryObjectStore.sha256Hex(content)).as(part.getString("service"))
                    .isEqualTo(part.getString("sha256"));
        }
        assertThat(new String(read(announced.getExportPrefix() + "tenant.jsonl"), StandardCharsets.UTF_8))
                .contains(tenant.getSlug());
    }

    /**
     * Proves: erasing a tenant deletes every object of its export bundles and no other
     * tenant's; and bundles expire: with expire-after set short (2 s) the sweep keeps a
     * bundle younger than that and deletes it once older.
     */
    @Test
    void exportBundlesGoWithTheirTenantAndExpire() throws Exception {
        Tenant erasedTenant = newTenant();
        Tenant keptTenant = newTenant();
        PrivacyRequest erasedExport = completedExport(erasedTenant);
        PrivacyRequest keptExport = completedExport(keptTenant);
        String erasedPrefix = "exports/" + erasedExport.getRequestId() + "/";
        String keptPrefix = "exports/" + keptExport.getRequestId() + "/";
        assertThat(store.list(erasedPrefix, "", 100)).hasSize(SERVICES.size() + 2);

        PrivacyRequest erasure = create(erasedTenant, PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, "");
        for (String service : SERVICES) {
            answer(erasure, service, "", "", Map.of("rows_removed", 1L));
        }
        awaitStatus(erasure, PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_COMPLETED);
        assertThat(store.list(erasedPrefix, "", 100)).as("the erased tenant's bundle").isEmpty();
        List<ObjectStore.StoredObject> kept = store.list(keptPrefix, "", 100);
        assertThat(kept).as("another tenant's bundle").hasSize(SERVICES.size() + 2);

        // The sweep deletes by age across the bucket: the test profile's bucket is the tests' own.
        ExportBundles shortLived = new ExportBundles(store, Duration.ofSeconds(2));
        Instant newest = kept.stream().map(ObjectStore.StoredObject::lastModified).max(Instant::compareTo).orElseThrow();
        Instant oldest = kept.stream().map(ObjectStore.StoredObject::lastModified).min(Instant::compareTo).orElseThrow();
        shortLived.deleteExpired(oldest.plusSeconds(1)).await().atMost(WAIT);
        assertThat(store.list(keptPrefix, "", 100)).as("younger than expire-after").hasSize(SERVICES.size() + 2);
        shortLived.deleteExpired(newest.plusSeconds(3)).await().atMost(WAIT);
        assertThat(store.list(keptPrefix, "", 100)).as("older than expire-after").isEmpty();
    }

    private PrivacyRequest completedExport(Tenant tenant) {
        PrivacyRequest request = create(tenant, PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, "");
        for (String service : SERVICES) {
            answerWithPart(request, service, ("{\"service\":\"" + service + "\"}\n").getBytes(StandardCharsets.UTF_8),
                    null);
        }
        return awaitStatus(request, PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_COMPLETED);
    }

    private byte[] read(String object) throws java.io.IOException {
        try (java.io.InputStream in = store.get(object).orElseThrow(() -> new AssertionError("no object " + object))) {
            return in.readAllBytes();
        }
    }

    /** Proves: a part whose reported digest does not match its object fails the export, naming the service. */
    @Test
    void exportWithTamperedPartFails() {
        Tenant tenant = newTenant();
        PrivacyRequest request = create(tenant, PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, "");
        for (String service : SERVICES) {
            answerWithPart(request, service, "{}\n".getBytes(StandardCharsets.UTF_8),
                    service.equals("audit") ? "0".repeat(64) : null);
        }
        PrivacyRequest failed = awaitStatus(request, PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_FAILED);
        assertThat(failed.getFailureReason()).contains("audit").contains("SHA-256");
    }

    /**
     * Proves: erasing a tenant moves it to offboarding, refuses a second erasure while
     * pending, and when every service has answered marks it erased and destroys its data
     * key last: no service can get the key again, the wrapped key is gone from the
     * database, data encrypted with it cannot be read, and the destruction is announced.
     */
    @Test
    void tenantErasureDestroysTheKeyLast() throws Exception {
        Tenant tenant = newTenant();
        GetDataKeyResponse key = client.keysAs(asLedger(tenant))
                .getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant.getId()).build());
        DataKey dataKey = new DataKey(TenantId.parse(tenant.getId()).orElseThrow(), key.getKeyId(),
                key.getKey().toByteArray());
        String ciphertext = FieldCipher.encrypt(dataKey, "alice@example.com");

        PrivacyRequest request = create(tenant, PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, "");
        assertThat(tenantStatus(tenant)).isEqualTo(TenantStatus.TENANT_STATUS_OFFBOARDING);
        StatusRuntimeException second = catchThrowableOfType(StatusRuntimeException.class,
                () -> create(tenant, PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, ""));
        assertThat(GrpcCalls.statusOf(second).getDetails(0).unpack(ErrorInfo.class).getReason())
                .isEqualTo("ERASURE_IN_PROGRESS");

        for (String service : SERVICES) {
            answer(request, service, "", "", Map.of("rows_removed", 3L));
        }
        PrivacyRequest done = awaitStatus(request, PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_COMPLETED);

        assertThat(done.hasKeyDestroyedAt()).isTrue();
        // The erasure's tombstone, outside the database, for a restore to before it.
        String tombstoneKey = tombstones.prefix() + tenant.getId() + "/" + request.getRequestId() + ".json";
        try (var content = store.get(tombstoneKey).orElseThrow(() -> new AssertionError("no tombstone " + tombstoneKey))) {
            ErasureTombstone tombstone = ErasureTombstone.parse(tombstones.prefix(), tombstoneKey, content.readAllBytes());
            assertThat(tombstone.kind()).isEqualTo(ErasureTombstone.Kind.TENANT);
            assertThat(tombstone.erasedAt()).isBeforeOrEqualTo(Instant.ofEpochSecond(
                    done.getKeyDestroyedAt().getSeconds(), done.getKeyDestroyedAt().getNanos()));
        }
        assertThat(done.getPartsList()).allSatisfy(part -> assertThat(part.getCountsMap()).containsEntry("rows_removed", 3L));
        assertThat(tenantStatus(tenant)).isEqualTo(TenantStatus.TENANT_STATUS_ERASED);
        StatusRuntimeException gone = catchThrowableOfType(StatusRuntimeException.class, () -> client.keysAs(asLedger(tenant))
                .getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant.getId()).build()));
        assertThat(GrpcCalls.statusOf(gone).getDetails(0).unpack(PreconditionFailure.class)
                .getViolations(0).getType()).isEqualTo("TENANT_KEY_DESTROYED");
        assertThat(wrappedKeyBytes(tenant)).isZero();
        assertThat(FieldCipher.decrypt(new DataKey(dataKey.tenant(), key.getKeyId(), new byte[32]), ciphertext))
                .as("without the destroyed key the ciphertext stays sealed").isEmpty();
        assertThat(TenantDataKeyDestroyed.parseFrom(readEvent(tenant.getId(),
                TenantDataKeyDestroyed.getDescriptor().getFullName()).payload()).getKeyIdsList()).containsExactly("dk-1");

        StatusRuntimeException erased = catchThrowableOfType(StatusRuntimeException.class,
                () -> create(tenant, PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, ""));
        assertThat(GrpcCalls.statusOf(erased).getDetails(0).unpack(PreconditionFailure.class)
                .getViolations(0).getType()).isEqualTo("TENANT_ERASED");
    }

    /**
     * Proves the tenant service's share of re-applying an erasure after a restore: a tombstone
     * for a tenant that the (restored) database holds as active, with a data key, makes the
     * next pass erase the tenant and destroy its key, without a privacy request; a second pass
     * finds nothing left to do; a subject's tombstone changes nothing here.
     */
    @Test
    void aTombstoneErasesATenantAgainThatARestoreBroughtBack() throws Exception {
        Tenant tenant = newTenant();
        client.keysAs(asLedger(tenant)).getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant.getId()).build());
        assertThat(wrappedKeyBytes(tenant)).isPositive();
        TenantId id = TenantId.parse(tenant.getId()).orElseThrow();
        tombstones.record(ErasureTombstone.of(UUID.randomUUID(), id, Optional.empty(), Instant.now()))
                .await().atMost(WAIT);
        tombstones.record(ErasureTombstone.of(UUID.randomUUID(), id, Optional.of("someone"), Instant.now()))
                .await().atMost(WAIT);

        ErasureTombstones.Pass pass = tombstones.reapplyAll();
        assertThat(pass.malformed()).isZero();
        assertThat(pass.erased()).containsEntry("tenants", 1L).containsEntry("tenant_data_keys", 1L);
        assertThat(tenantStatus(tenant)).isEqualTo(TenantStatus.TENANT_STATUS_ERASED);
        assertThat(wrappedKeyBytes(tenant)).isZero();
        StatusRuntimeException gone = catchThrowableOfType(StatusRuntimeException.class, () -> client.keysAs(asLedger(tenant))
                .getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant.getId()).build()));
        assertThat(GrpcCalls.statusOf(gone).getDetails(0).unpack(PreconditionFailure.class)
                .getViolations(0).getType()).isEqualTo("TENANT_KEY_DESTROYED");

        ErasureTombstones.Pass again = tombstones.reapplyAll();
        assertThat(again.tombstones()).isEqualTo(pass.tombstones());
        assertThat(again.erased().getOrDefault("tenants", 0L)).as("nothing left to erase").isZero();
        assertThat(again.erased().getOrDefault("tenant_data_keys", 0L)).isZero();
        assertThat(tombstones.firstPass()).as("the start-up pass went through: the service is ready").isPresent();
    }

    /** Proves: a request still pending at its deadline fails, naming every service that did not answer. */
    @Test
    void overdueRequestFailsVisibly() throws Exception {
        Tenant tenant = newTenant();
        PrivacyRequest request = create(tenant, PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, "user-42");
        answer(request, "ledger", "", "", Map.of());
        awaitParts(request, 1);

        finishPrivacyRequests.failOverdue(Instant.now().plus(Duration.ofHours(2))).await().atMost(WAIT);

        PrivacyRequest failed = get(request);
        assertThat(failed.getStatus()).isEqualTo(PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_FAILED);
        assertThat(failed.getFailureReason()).contains("agent-state, audit, config").doesNotContain("ledger");
        assertThat(tenantStatus(tenant)).as("a subject erasure leaves the tenant as it was")
                .isEqualTo(TenantStatus.TENANT_STATUS_ACTIVE);
    }

    /** Proves: a retry returns the first request; an unknown tenant and a missing kind are refused. */
    @Test
    void idempotencyAndBadInput() {
        Tenant tenant = newTenant();
        CreatePrivacyRequestRequest ask = CreatePrivacyRequestRequest.newBuilder()
                .setIdempotencyKey("export-" + UUID.randomUUID()).setTenantId(tenant.getId())
                .setKind(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT).build();
        var first = client.privacyAs(PRIVACY_OFFICER).createPrivacyRequest(ask);
        var retry = client.privacyAs(PRIVACY_OFFICER).createPrivacyRequest(ask);
        assertThat(retry.getReplayed()).isTrue();
        assertThat(retry.getRequest().getRequestId()).isEqualTo(first.getRequest().getRequestId());

        StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.privacyAs(PRIVACY_OFFICER).createPrivacyRequest(ask.toBuilder()
                        .setIdempotencyKey("other").setTenantId(UUID.randomUUID().toString()).build()));
        assertThat(GrpcCalls.codeOf(unknown)).isEqualTo(Status.Code.NOT_FOUND);
        StatusRuntimeException noKind = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.privacyAs(PRIVACY_OFFICER).createPrivacyRequest(ask.toBuilder()
                        .setIdempotencyKey("no-kind").setKind(PrivacyRequestKind.PRIVACY_REQUEST_KIND_UNSPECIFIED).build()));
        assertThat(GrpcCalls.codeOf(noKind)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException viewer = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.privacyAs(TestCallers.ofTenant(tenant.getId(), "tenant-viewer"))
                        .createPrivacyRequest(ask.toBuilder().setIdempotencyKey("viewer").build()));
        assertThat(GrpcCalls.codeOf(viewer)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    private Tenant newTenant() {
        return client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();
    }

    private PrivacyRequest create(Tenant tenant, PrivacyRequestKind kind, String subject) {
        return client.privacyAs(PRIVACY_OFFICER).createPrivacyRequest(CreatePrivacyRequestRequest.newBuilder()
                .setIdempotencyKey("privacy-" + UUID.randomUUID()).setTenantId(tenant.getId()).setKind(kind)
                .setSubjectId(subject).build()).getRequest();
    }

    private PrivacyRequest get(PrivacyRequest request) {
        return client.privacyAs(PRIVACY_OFFICER).getPrivacyRequest(
                GetPrivacyRequestRequest.newBuilder().setRequestId(request.getRequestId()).build()).getRequest();
    }

    private PrivacyRequest awaitStatus(PrivacyRequest request, PrivacyRequestStatus status) {
        return await().atMost(WAIT).until(() -> get(request), found -> found.getStatus() == status);
    }

    private void awaitParts(PrivacyRequest request, int fulfilled) {
        await().atMost(WAIT).until(() -> get(request).getPartsList().stream().filter(p -> p.getFulfilled()).count()
                == fulfilled);
    }

    private TenantStatus tenantStatus(Tenant tenant) {
        return client.asPlatformAdmin().getTenant(GetTenantRequest.newBuilder().setTenantId(tenant.getId()).build())
                .getTenant().getStatus();
    }

    /** Plays a service: writes its part to the object store and answers, reporting a digest (or a wrong one). */
    private void answerWithPart(PrivacyRequest request, String service, byte[] content, String reportedSha256) {
        String object = "exports/" + request.getRequestId() + "/" + service + ".jsonl";
        try {
            store.put(object, new java.io.ByteArrayInputStream(content));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String sha256 = reportedSha256 != null ? reportedSha256 : LocalDirectoryObjectStore.sha256Hex(content);
        answer(request, service, object, sha256, Map.of("records", 1L));
    }

    private void answer(PrivacyRequest request, String service, String object, String sha256, Map<String, Long> counts) {
        PrivacyRequestFulfilled answer = PrivacyRequestFulfilled.newBuilder()
                .setRequestId(request.getRequestId()).setService(service).setTenantId(request.getTenantId())
                .setKind(request.getKind()).setObject(object).setSha256(sha256).putAllCounts(counts)
                .setFulfilledAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                .build();
        OutboxEvent event = new OutboxEvent(UUID.randomUUID(),
                FleetTestResource.topicPrefix() + PrivacyEvents.answersTopic(service),
                PrivacyRequestFulfilled.getDescriptor().getFullName(), "/aicunet/" + service,
                TenantId.parse(request.getTenantId()).orElseThrow(), request.getRequestId(), Instant.now(),
                answer.toByteArray());
        kafka.publish(List.of(event)).await().atMost(WAIT);
    }

    private static ReceivedEvent readEvent(String subject, String type) {
        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + PrivacyEvents.TOPIC)) {
            List<ConsumerRecord<String, byte[]>> records = reader.readUntil(read -> read.stream()
                    .map(ReceivedEvent::from).anyMatch(e -> e.subject().equals(subject) && e.type().equals(type)), WAIT);
            return records.stream().map(ReceivedEvent::from)
                    .filter(e -> e.subject().equals(subject) && e.type().equals(type)).findFirst().orElseThrow();
        }
    }

    private static int wrappedKeyBytes(Tenant tenant) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(
                        "SELECT coalesce(sum(length(wrapped_key)), 0) FROM tenant.tenant_data_keys WHERE tenant_id = ?::uuid")) {
            select.setString(1, tenant.getId());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
