package io.aicunet.tenant;

import io.aicunet.platform.privacy.DataClass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.PreconditionFailure;
import io.aicunet.contracts.tenant.v1.CreateTenantResponse;
import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.ListTenantsRequest;
import io.aicunet.contracts.tenant.v1.ListTenantsResponse;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.ReactivateTenantRequest;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.SuspendTenantRequest;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.contracts.tenant.v1.TenantStatus;
import io.aicunet.contracts.tenant.v1.TenantSuspended;
import io.aicunet.contracts.tenant.v1.Tier;
import io.aicunet.contracts.tenant.v1.UpdateTenantRequest;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TopicReader;
import io.aicunet.tenant.application.contract.TenantEvents;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A tenant's life over gRPC, with its rows and its events on Kafka. */
@QuarkusTest
class TenantLifecycleTest extends GrpcTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);


    /**
     * Proves: CreateTenant commits the row and its event, and a Kafka consumer receives
     * a TenantCreated CloudEvent keyed by the tenant id with the tenant extension set.
     */
    @Test
    void createCommitsRowAndPublishesTenantCreated() throws Exception {
        CreateTenantResponse created = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant()
                .setTier(Tier.TIER_ENTERPRISE)
                .addRetention(RetentionPeriod.newBuilder().setDataClass("personal").setDays(30))
                .build());
        Tenant tenant = created.getTenant();

        assertThat(created.getReplayed()).isFalse();
        assertThat(tenant.getStatus()).isEqualTo(TenantStatus.TENANT_STATUS_ACTIVE);
        assertThat(tenant.getVersion()).isEqualTo(1);
        assertThat(tenant.getQuotas().getRequestsPerMinute()).as("enterprise default").isEqualTo(6_000);
        assertThat(tenant.getRetentionList()).contains(
                RetentionPeriod.newBuilder().setDataClass("personal").setDays(30).build(),
                RetentionPeriod.newBuilder().setDataClass("audit").setDays(3_650).build());
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(
                        "SELECT slug, status FROM tenant.tenants WHERE tenant_id = ?::uuid")) {
            select.setString(1, tenant.getId());
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString("slug")).isEqualTo(tenant.getSlug());
                assertThat(row.getString("status")).isEqualTo("active");
            }
        }

        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + TenantEvents.TOPIC)) {
            ConsumerRecord<String, byte[]> record = reader.readUntil(
                    records -> records.stream().anyMatch(r -> r.key().equals(tenant.getId())), WAIT).stream()
                    .filter(r -> r.key().equals(tenant.getId())).findFirst().orElseThrow();
            ReceivedEvent event = ReceivedEvent.from(record);
            assertThat(event.type()).isEqualTo("aicunet.tenant.v1.TenantCreated");
            assertThat(event.source()).isEqualTo("/aicunet/tenant");
            assertThat(event.tenant().toString()).isEqualTo(tenant.getId());
            assertThat(event.subject()).isEqualTo(tenant.getId());
            assertThat(TenantCreated.parseFrom(event.payload()).getTenant()).isEqualTo(tenant);
        }
    }

    /** Proves: suspend and reactivate move the status, bump the version and each emit their event. */
    @Test
    void suspendAndReactivate() throws Exception {
        Tenant tenant = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();

        Tenant suspended = client.asPlatformAdmin().suspendTenant(SuspendTenantRequest.newBuilder()
                .setTenantId(tenant.getId()).setReason("unpaid invoice").build()).getTenant();
        assertThat(suspended.getStatus()).isEqualTo(TenantStatus.TENANT_STATUS_SUSPENDED);
        assertThat(suspended.getVersion()).isEqualTo(2);

        Tenant reactivated = client.asPlatformAdmin().reactivateTenant(ReactivateTenantRequest.newBuilder()
                .setTenantId(tenant.getId()).build()).getTenant();
        assertThat(reactivated.getStatus()).isEqualTo(TenantStatus.TENANT_STATUS_ACTIVE);
        assertThat(reactivated.getVersion()).isEqualTo(3);

        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + TenantEvents.TOPIC)) {
            List<String> types = reader.readUntil(records -> records.stream()
                            .filter(r -> r.key().equals(tenant.getId())).count() == 3, WAIT).stream()
                    .filter(r -> r.key().equals(tenant.getId()))
                    .map(r -> ReceivedEvent.from(r).type())
                    .toList();
            assertThat(types).containsExactly("aicunet.tenant.v1.TenantCreated",
                    "aicunet.tenant.v1.TenantSuspended", "aicunet.tenant.v1.TenantReactivated");
            ConsumerRecord<String, byte[]> suspendedRecord = reader.records().stream()
                    .filter(r -> r.key().equals(tenant.getId())).toList().get(1);
            assertThat(TenantSuspended.parseFrom(suspendedRecord.value()).getReason()).isEqualTo("unpaid invoice");
        }
    }

    /** Proves: an illegal status transition is FAILED_PRECONDITION with its reason, and changes nothing. */
    @Test
    void illegalTransitionIsRefused() throws Exception {
        Tenant tenant = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();

        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.asPlatformAdmin().reactivateTenant(
                        ReactivateTenantRequest.newBuilder().setTenantId(tenant.getId()).build()));

        assertThat(GrpcCalls.codeOf(failure)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        PreconditionFailure details = GrpcCalls.statusOf(failure).getDetails(0).unpack(PreconditionFailure.class);
        assertThat(details.getViolations(0).getType()).isEqualTo("ILLEGAL_STATUS_TRANSITION");
        assertThat(details.getViolations(0).getDescription()).contains("active tenant cannot become active");
        Tenant after = client.asPlatformAdmin()
                .getTenant(GetTenantRequest.newBuilder().setTenantId(tenant.getId()).build()).getTenant();
        assertThat(after.getVersion()).isEqualTo(1);
    }

    /** Proves: UpdateTenant changes settings, honours expected_version, and a stale version changes nothing. */
    @Test
    void updateWithOptimisticConcurrency() throws Exception {
        Tenant tenant = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();
        var tenantAdmin = client.as(TestCallers.ofTenant(tenant.getId(), "tenant-admin"));

        Tenant updated = tenantAdmin.updateTenant(UpdateTenantRequest.newBuilder()
                .setTenantId(tenant.getId())
                .setExpectedVersion(1)
                .setDisplayName("Renamed")
                .setQuotas(Quotas.newBuilder().setRequestsPerMinute(5).setTokensPerDay(6).setStorageBytes(7))
                .build()).getTenant();
        assertThat(updated.getDisplayName()).isEqualTo("Renamed");
        assertThat(updated.getQuotas().getTokensPerDay()).isEqualTo(6);
        assertThat(updated.getVersion()).isEqualTo(2);
        assertThat(updated.getRegion()).isEqualTo(tenant.getRegion());

        StatusRuntimeException stale = catchThrowableOfType(StatusRuntimeException.class,
                () -> tenantAdmin.updateTenant(UpdateTenantRequest.newBuilder()
                        .setTenantId(tenant.getId()).setExpectedVersion(1).setDisplayName("Lost update").build()));
        assertThat(GrpcCalls.codeOf(stale)).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(stale.getStatus().getDescription()).contains("is at version 2");
        assertThat(tenantAdmin.getTenant(GetTenantRequest.newBuilder().setTenantId(tenant.getId()).build())
                .getTenant().getDisplayName()).isEqualTo("Renamed");
    }

    /** Proves: ListTenants pages through every tenant exactly once, by slug, and filters by status. */
    @Test
    void listPagesThroughAllTenants() {
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            created.add(client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant().getId());
        }
        Set<String> seen = new HashSet<>();
        String token = "";
        String previousSlug = "";
        int pages = 0;
        do {
            ListTenantsResponse page = client.asPlatformAdmin().listTenants(ListTenantsRequest.newBuilder()
                    .setPageSize(2).setPageToken(token).build());
            assertThat(page.getTenantsCount()).isLessThanOrEqualTo(2);
            for (Tenant tenant : page.getTenantsList()) {
                assertThat(tenant.getSlug()).isGreaterThan(previousSlug);
                previousSlug = tenant.getSlug();
                assertThat(seen.add(tenant.getId())).as("seen once").isTrue();
            }
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty() && pages < 1_000);
        assertThat(seen).containsAll(created);

        ListTenantsResponse activeOnly = client.asPlatformAdmin().listTenants(ListTenantsRequest.newBuilder()
                .setPageSize(100).setStatus(TenantStatus.TENANT_STATUS_ACTIVE).build());
        assertThat(activeOnly.getTenantsList()).isNotEmpty()
                .allSatisfy(tenant -> assertThat(tenant.getStatus()).isEqualTo(TenantStatus.TENANT_STATUS_ACTIVE));
    }

    /** Proves: a tenant's own caller reads it; another tenant's caller is denied by the policy. */
    @Test
    void anotherTenantsCallerCannotReadIt() {
        Tenant tenant = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();
        GetTenantRequest get = GetTenantRequest.newBuilder().setTenantId(tenant.getId()).build();

        assertThat(client.as(TestCallers.ofTenant(tenant.getId(), "tenant-viewer")).getTenant(get).getTenant())
                .isEqualTo(tenant);
        StatusRuntimeException other = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.as(TestCallers.ofTenant(UUID.randomUUID().toString(), "tenant-viewer")).getTenant(get));
        assertThat(GrpcCalls.codeOf(other)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
}
