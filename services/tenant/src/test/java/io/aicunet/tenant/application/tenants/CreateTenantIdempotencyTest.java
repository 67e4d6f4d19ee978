package io.aicunet.tenant.application.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import io.aicunet.contracts.tenant.v1.CreateTenantRequest;
import io.aicunet.contracts.tenant.v1.CreateTenantResponse;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.tenant.GrpcTestBase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CreateTenant under retries: one key, one tenant, one event. */
@QuarkusTest
class CreateTenantIdempotencyTest extends GrpcTestBase {


    /** Proves: the same key with the same request returns the first tenant, marked replayed, and writes nothing more. */
    @Test
    void sameKeySameRequestReturnsFirstResult() throws Exception {
        CreateTenantRequest request = TenantFixtures.aTenant().build();

        CreateTenantResponse first = client.asPlatformAdmin().createTenant(request);
        CreateTenantResponse retry = client.asPlatformAdmin().createTenant(request);

        assertThat(first.getReplayed()).isFalse();
        assertThat(retry.getReplayed()).isTrue();
        assertThat(retry.getTenant()).isEqualTo(first.getTenant());
        assertThat(rowsAndKeys(first.getTenant().getId())).containsExactly(1L, 1L);
    }

    /** Proves: the same key with a different request is a conflict naming the reuse, and creates nothing. */
    @Test
    void sameKeyDifferentRequestIsConflict() throws Exception {
        CreateTenantRequest request = TenantFixtures.aTenant().build();
        CreateTenantResponse first = client.asPlatformAdmin().createTenant(request);

        StatusRuntimeException conflict = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.asPlatformAdmin().createTenant(request.toBuilder().setDisplayName("Other").build()));

        assertThat(GrpcCalls.codeOf(conflict)).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(GrpcCalls.statusOf(conflict).getDetails(0).unpack(ErrorInfo.class).getReason())
                .isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(rowsAndKeys(first.getTenant().getId())).containsExactly(1L, 1L);
    }

    /** Proves: eight concurrent retries of one request create exactly one tenant, and all return it. */
    @Test
    void concurrentRetriesCreateOneTenant() throws Exception {
        CreateTenantRequest request = TenantFixtures.aTenant().build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<CreateTenantResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> client.asPlatformAdmin().createTenant(request), pool));
            }
            List<CreateTenantResponse> responses = new ArrayList<>();
            for (CompletableFuture<CreateTenantResponse> call : calls) {
                responses.add(call.get(60, TimeUnit.SECONDS));
            }
            assertThat(responses).extracting(r -> r.getTenant().getId()).containsOnly(responses.get(0).getTenant().getId());
            assertThat(responses).filteredOn(r -> !r.getReplayed()).hasSize(1);
            assertThat(rowsAndKeys(responses.get(0).getTenant().getId())).containsExactly(1L, 1L);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Proves: another slug under a new key that collides with an existing slug is refused as SLUG_TAKEN. */
    @Test
    void takenSlugIsConflict() {
        CreateTenantRequest request = TenantFixtures.aTenant().build();
        client.asPlatformAdmin().createTenant(request);

        StatusRuntimeException conflict = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.asPlatformAdmin().createTenant(request.toBuilder()
                        .setIdempotencyKey(request.getIdempotencyKey() + "-2").build()));

        assertThat(GrpcCalls.codeOf(conflict)).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(conflict.getStatus().getDescription()).contains(request.getSlug());
    }

    /** Rows of the tenant and idempotency keys naming it, counted as the superuser, past RLS. */
    static List<Long> rowsAndKeys(String tenantId) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement count = db.prepareStatement("""
                        SELECT (SELECT count(*) FROM tenant.tenants WHERE tenant_id = ?::uuid) AS tenants,
                               (SELECT count(*) FROM tenant.idempotency_keys WHERE tenant_id = ?::uuid) AS keys""")) {
            count.setString(1, tenantId);
            count.setString(2, tenantId);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return List.of(row.getLong("tenants"), row.getLong("keys"));
            }
        }
    }
}
