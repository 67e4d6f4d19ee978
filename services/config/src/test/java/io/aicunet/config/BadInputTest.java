package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.RollbackEntryRequest;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.ScopeKind;
import io.aicunet.platform.testing.ConfigFixtures;
import io.aicunet.platform.testing.GrpcCalls;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a precise error and changes nothing: no revision, the stored value
 * as it was (each case checks both).
 */
@QuarkusTest
class BadInputTest extends ConfigTestBase {

    private String namespace;

    @BeforeEach
    void storeOneEntry() {
        namespace = newNamespace();
        put(namespace, "model", globalScope(), "\"small\"");
    }

    /** Proves: a value that is not JSON is INVALID_ARGUMENT on value_json, saying where it breaks. */
    @Test
    void invalidJson() {
        StatusRuntimeException refused = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin().putEntry(
                entry(namespace, "model", globalScope(), "{\"model\": ").build()));
        assertThat(GrpcCalls.violatedFields(refused)).containsExactly("value_json");
        assertThat(GrpcCalls.detail(refused, BadRequest.class).getFieldViolations(0).getDescription())
                .startsWith("is not valid JSON");
        assertUnchanged();
    }

    /** Proves: a namespace that was never registered is NOT_FOUND, naming it. */
    @Test
    void unknownNamespace() {
        StatusRuntimeException refused = refusedWithoutChange(Status.Code.NOT_FOUND, () -> admin().putEntry(
                entry("never.registered", "model", globalScope(), "\"x\"").build()));
        ResourceInfo info = GrpcCalls.detail(refused, ResourceInfo.class);
        assertThat(info.getResourceType()).isEqualTo("namespace");
        assertThat(info.getResourceName()).isEqualTo("never.registered");
    }

    /**
     * Proves: a missing scope kind, a tenant scope without tenant, a global scope with
     * a service and a malformed tenant id are each named by their field.
     */
    @Test
    void unknownOrMalformedScope() {
        StatusRuntimeException noKind = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin().putEntry(
                entry(namespace, "model", Scope.getDefaultInstance(), "\"x\"").build()));
        assertThat(GrpcCalls.violatedFields(noKind)).containsExactly("scope.kind");

        StatusRuntimeException unknownKind = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin().putEntry(
                entry(namespace, "model", Scope.newBuilder().setKindValue(42).build(), "\"x\"").build()));
        assertThat(GrpcCalls.violatedFields(unknownKind)).containsExactly("scope.kind");

        StatusRuntimeException mixed = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin().putEntry(
                entry(namespace, "model", Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_GLOBAL).setService("ledger")
                        .build(), "\"x\"").build()));
        assertThat(GrpcCalls.violatedFields(mixed)).containsExactly("scope.service");

        StatusRuntimeException noTenant = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin().putEntry(
                entry(namespace, "model", Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT_SERVICE)
                        .setTenantId("acme").build(), "\"x\"").build()));
        assertThat(GrpcCalls.violatedFields(noTenant)).containsExactlyInAnyOrder("scope.tenant_id", "scope.service");
        assertUnchanged();
    }

    /** Proves: a stale expected revision is ALREADY_EXISTS with reason REVISION_MISMATCH (compare-and-set). */
    @Test
    void staleExpectedRevision() {
        long current = head();
        StatusRuntimeException refused = refusedWithoutChange(Status.Code.ALREADY_EXISTS, () -> admin().putEntry(
                entry(namespace, "model", globalScope(), "\"large\"").setExpectedRevision(current - 1).build()));
        assertThat(GrpcCalls.detail(refused, ErrorInfo.class).getReason()).isEqualTo("REVISION_MISMATCH");
        refusedWithoutChange(Status.Code.ALREADY_EXISTS, () -> admin().putEntry(
                entry(namespace, "model", globalScope(), "\"large\"").setExpectedRevision(0).build()));
        assertUnchanged();
    }

    /** Proves: a value over 64 KiB is refused on value_json with its size, before anything is parsed or stored. */
    @Test
    void oversizeValue() {
        String huge = "\"" + "x".repeat(70_000) + "\"";
        StatusRuntimeException refused = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin().putEntry(
                entry(namespace, "model", globalScope(), huge).build()));
        assertThat(GrpcCalls.detail(refused, BadRequest.class).getFieldViolations(0).getDescription())
                .isEqualTo("is 70002 bytes; at most 65536 are allowed");
        assertUnchanged();
    }

    /** Proves: rolling back to a revision that does not exist (or is another entry's) is NOT_FOUND. */
    @Test
    void rollbackToMissingRevision() {
        long other = put(namespace, "other", globalScope(), "1").getEntry().getRevision();
        for (long target : new long[] {head() + 1000, other}) {
            StatusRuntimeException refused = refusedWithoutChange(Status.Code.NOT_FOUND, () -> admin().rollbackEntry(
                    RollbackEntryRequest.newBuilder().setNamespace(namespace).setKey("model").setScope(globalScope())
                            .setToRevision(target).setReason("undo").build()));
            assertThat(GrpcCalls.detail(refused, ResourceInfo.class).getResourceType()).isEqualTo("revision");
        }
        assertUnchanged();
    }

    /** Proves: a write without a reason, with a malformed key, is refused naming both fields. */
    @Test
    void missingReasonAndMalformedKey() {
        StatusRuntimeException refused = refusedWithoutChange(Status.Code.INVALID_ARGUMENT, () -> admin().putEntry(
                ConfigFixtures.anEntry(namespace, "bad key!", "\"x\"").setReason(" ").build()));
        assertThat(GrpcCalls.violatedFields(refused)).containsExactlyInAnyOrder("key", "reason");
    }

    private void assertUnchanged() {
        assertThat(admin().getEntry(GetEntryRequest.newBuilder().setNamespace(namespace).setKey("model")
                .setScope(globalScope()).build()).getEntry().getValue().getJson()).isEqualTo("\"small\"");
    }
}
